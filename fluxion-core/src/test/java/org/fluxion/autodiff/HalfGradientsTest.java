package org.fluxion.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.function.Function;
import org.fluxion.jit.Jit;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.transforms.Vmap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * float16 and bfloat16 through every mode: gradients and tangents keep the input's 16-bit type (as
 * PyTorch's), agree with the float32 derivative to the 16-bit precision, and jit and vmap give the eager
 * bits exactly (the compiler does not fuse 16-bit chains, so each operation rounds as it does eagerly).
 */
class HalfGradientsTest {
    /** A smooth function of a matrix exercising elementwise, matmul, reductions and broadcasting. */
    private static Tensor f(Tensor x) {
        Tensor h = x.matmul(x.transpose()).tanh();
        return h.mul(x.sum(new int[] {1}, true)).add(x.exp().mean()).sum();
    }

    private static Tensor input(DType dtype) {
        return Tensor.randn(new SplittableRandom(5), DType.FLOAT32, 4, 3).mul(0.5).to(dtype);
    }

    /** Relative precision of the format: 2^-10 or 2^-7, times a few operations' worth of rounding. */
    private static double tolerance(DType dtype) {
        return (dtype == DType.FLOAT16 ? 0x1p-10 : 0x1p-7) * 16;
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT16", "BFLOAT16"})
    void reverseAndForwardModeKeepTheTypeAndMatchFloat32(DType dtype) {
        Tensor x = input(dtype);
        Tensor g = Functional.grad(HalfGradientsTest::f).apply(x);
        assertEquals(dtype, g.dtype());
        Tensor reference = Functional.grad(HalfGradientsTest::f).apply(x.to(DType.FLOAT32));
        assertClose(reference.toFloatArray(), g.toFloatArray(), tolerance(dtype), "gradient");

        Tensor v = Tensor.ones(dtype, 4, 3);
        Functional.JvpResult jvp = Functional.jvp(HalfGradientsTest::f, x, v);
        assertEquals(dtype, jvp.tangent().dtype());
        assertEquals(dtype, jvp.value().dtype());
        float directional = reference.sum().toFloatArray()[0];
        assertEquals(directional, jvp.tangent().toFloatArray()[0], tolerance(dtype) * Math.abs(directional) + 1e-2);

        // Through a cast: the gradient comes back in the input's type.
        Tensor viaFloat32 = Functional.grad((Tensor t) -> f(t.to(DType.FLOAT32))).apply(x);
        assertEquals(dtype, viaFloat32.dtype());
        assertArrayEquals(reference.to(dtype).toFloatArray(), viaFloat32.toFloatArray());

        // The tape: backward() fills grad() in the parameter's type.
        Tensor p = x.copy().requiresGrad(true);
        f(p).backward();
        assertArrayEquals(HalfTypesBits.of(g), HalfTypesBits.of(p.grad()));
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT16", "BFLOAT16"})
    void jitAndVmapGiveTheEagerBits(DType dtype) {
        Tensor x = input(dtype);
        Function<Tensor, Tensor> grad = Functional.grad(HalfGradientsTest::f);
        assertArrayEquals(HalfTypesBits.of(f(x)), HalfTypesBits.of(Jit.jit(HalfGradientsTest::f).apply(x)));
        assertArrayEquals(HalfTypesBits.of(grad.apply(x)), HalfTypesBits.of(Jit.jit(grad).apply(x)));

        Tensor batch = Tensor.stack(0, x, x.mul(0.5), x.neg());
        Tensor batched = Vmap.vmap(HalfGradientsTest::f).apply(batch);
        Tensor perGrad = Vmap.vmap(grad).apply(batch);
        assertEquals(dtype, batched.dtype());
        for (int b = 0; b < 3; b++) {
            Tensor example = batch.slice(0, b, b + 1).reshape(4, 3);
            assertArrayEquals(HalfTypesBits.of(f(example)), HalfTypesBits.of(batched.slice(0, b, b + 1).reshape()));
            assertArrayEquals(HalfTypesBits.of(grad.apply(example)), HalfTypesBits.of(perGrad.slice(0, b, b + 1).reshape(4, 3)),
                    "vmap of grad, example " + b);
        }
    }

    private static void assertClose(float[] expected, float[] actual, double rtol, String what) {
        assertEquals(expected.length, actual.length);
        double scale = 0;
        for (float e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], rtol * scale, what + " at " + i);
        }
    }

    /** The raw 16-bit patterns of a tensor, so that comparisons are bit for bit (NaN and -0 included). */
    private static final class HalfTypesBits {
        static short[] of(Tensor t) {
            return org.fluxion.tensor.TensorInternals.storage(t.copy()).shorts();
        }
    }
}
