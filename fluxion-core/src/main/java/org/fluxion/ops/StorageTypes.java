package org.fluxion.ops;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Kernels for the storage types ({@code float16}, {@code bfloat16}, {@code int8}, {@code uint8}; see
 * {@link DType#computeType()}): a primitive given such a tensor runs its own kernel on the inputs widened
 * to float32 or int32, and each output is rounded back to the type its shape rule gave (to nearest even
 * for the half types, wrapping for the byte types). This is PyTorch's CPU arithmetic for these types
 * ({@code opmath_t} = float): one rounding per operation, matmul and reductions accumulating in float32.
 * For add, sub, mul, div and sqrt the float32 result rounded once equals the correctly rounded 16-bit one,
 * since float32 carries more than twice the 16-bit significand plus two bits.
 *
 * <p>Primitives that only move or reinterpret elements (views, copies, concatenation, padding, casts)
 * work on any storage and are not widened, so views of a 16-bit tensor share its storage; custom and
 * compiler primitives are made of other primitives and meet the types there.
 */
public final class StorageTypes {
    private StorageTypes() {
    }

    /** {@link Primitive#computeAll}, through float32/int32 when an input or output has a storage type. */
    public static Tensor[] computeAll(Primitive p, TensorType[] outs, Tensor... in) {
        if (!involved(outs, in) || movesOnly(p)) {
            return p.computeAll(outs, in);
        }
        Tensor[] wide = new Tensor[in.length];
        TensorType[] wideTypes = new TensorType[in.length];
        for (int i = 0; i < in.length; i++) {
            DType t = in[i].dtype().computeType();
            wide[i] = t == in[i].dtype() ? in[i] : castKernel(in[i], t);
            wideTypes[i] = wide[i].type();
        }
        Tensor[] results = p.computeAll(p.outputTypes(wideTypes), wide);
        for (int k = 0; k < results.length; k++) {
            if (results[k].dtype() != outs[k].dtype()) {
                results[k] = castKernel(results[k], outs[k].dtype());
            }
        }
        return results;
    }

    /** {@link Primitive#compute} for a primitive of one output, as {@link #computeAll}. */
    public static Tensor compute(Primitive p, TensorType out, Tensor... in) {
        if (!out.dtype().isStorageOnly() && !anyStorageOnly(in)) {
            return p.compute(out, in);
        }
        return computeAll(p, new TensorType[] {out}, in)[0];
    }

    private static boolean involved(TensorType[] outs, Tensor[] in) {
        for (TensorType t : outs) {
            if (t.dtype().isStorageOnly()) {
                return true;
            }
        }
        return anyStorageOnly(in);
    }

    private static boolean anyStorageOnly(Tensor[] in) {
        for (Tensor t : in) {
            if (t.dtype().isStorageOnly()) {
                return true;
            }
        }
        return false;
    }

    /** True for the primitives that handle every storage themselves. */
    private static boolean movesOnly(Primitive p) {
        return switch (p) {
            case Cast c -> true;
            case ViewPrimitives.Reshape r -> true;
            case ViewPrimitives.Permute r -> true;
            case ViewPrimitives.Expand r -> true;
            case ViewPrimitives.Slice r -> true;
            case ViewPrimitives.Copy r -> true;
            case Concat c -> true;
            case Pad c -> true;
            case Split s -> true;
            case CustomPrimitive c -> true;
            case CompilerPrimitive c -> true;
            default -> false;
        };
    }

    /** {@code x} converted to {@code t} by the cast kernel (below every transformation). */
    private static Tensor castKernel(Tensor x, DType t) {
        Cast c = new Cast(t);
        return c.compute(c.outputType(x.type()), x);
    }
}
