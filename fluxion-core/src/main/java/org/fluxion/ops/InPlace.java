package org.fluxion.ops;

import static org.fluxion.tensor.TensorInternals.storage;

import java.util.List;
import java.util.ServiceLoader;
import java.util.function.BinaryOperator;
import org.fluxion.kernels.StridedCopy;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * In-place writes, for optimizer steps and buffers. They bump the storage version, so a tensor saved for
 * backward and then overwritten is reported when backward reaches it. A transformation that could not
 * honour a write refuses it first ({@link WriteCheck}): autodiff on a tensor that requires grad while grad
 * mode is on, jit while tracing.
 */
public final class InPlace {
    private static final List<WriteCheck> CHECKS = ServiceLoader.load(WriteCheck.class,
            WriteCheck.class.getClassLoader()).stream().map(ServiceLoader.Provider::get).toList();

    private InPlace() {
    }

    /**
     * Writes {@code value} (broadcast to {@code target}'s shape, converted to its dtype) into the elements of
     * {@code target}; returns {@code target}.
     *
     * @throws IllegalArgumentException naming {@code op} and both shapes when {@code value} does not
     *                                  broadcast to {@code target}'s shape, or when {@code target} is a
     *                                  broadcast view
     * @throws IllegalStateException    when a transformation refuses the write ({@link WriteCheck})
     */
    public static Tensor write(String op, Tensor target, Tensor value) {
        check(op, target, value);
        for (int d = 0; d < target.rank(); d++) {
            if (target.stride(d) == 0 && target.dim(d) > 1) {
                throw new IllegalArgumentException(op + ": tensor " + target.shape() + " is a broadcast view (stride 0 "
                        + "on axis " + d + "); writing to it in place would write one element many times");
            }
        }
        if (!value.shape().broadcastsTo(target.shape())) {
            throw new IllegalArgumentException(op + ": a value of shape " + value.shape() + " cannot be written "
                    + "into the tensor of shape " + target.shape() + " in place (it must broadcast to the "
                    + "destination's shape, which an in-place operation cannot change)");
        }
        Tensor v = value.broadcastTo(target.shape()).to(target.dtype());
        if (storage(v) == storage(target)) {
            v = Views.copy(v); // the source must not change while it is read
        }
        StridedCopy.copy(storage(v).array(), v.offset(), Views.broadcastStrides(v, target.shape()), target.dims(),
                storage(target).array(), target.offset(), target.strides());
        storage(target).bumpVersion();
        return target;
    }

    /**
     * {@code target = f(target, operand)} in place: the new value is computed from detached operands (nothing
     * is recorded, no tangent propagated), then written; returns {@code target}. As in PyTorch, its type must
     * be storable in the target's ({@link DType#canCast}): an int32 tensor plus 0.7 is float32, and writing it
     * back would silently truncate.
     *
     * @throws IllegalArgumentException naming {@code op} and both types when the result type cannot be
     *                                  stored in the target
     */
    public static Tensor update(String op, Tensor target, BinaryOperator<Tensor> f, Tensor operand) {
        check(op, target, target);
        Tensor value = f.apply(Views.detach(target), Views.detach(operand));
        if (!DType.canCast(value.dtype(), target.dtype())) {
            throw new IllegalArgumentException(op + ": the result type " + value.dtype().label() + " cannot be "
                    + "stored in the " + target.type() + " tensor being modified in place (" + castProblem(value.dtype())
                    + "); use the out-of-place operation, or convert the tensor first with to(DType."
                    + value.dtype() + ")");
        }
        return write(op, target, value);
    }

    /** {@code target *= factor} in place; see {@link #update}. */
    public static Tensor scale(String op, Tensor target, double factor) {
        return update(op, target, Tensor::mul, Elementwise.scalarLike(factor, target));
    }

    private static void check(String op, Tensor target, Tensor value) {
        for (WriteCheck c : CHECKS) {
            c.check(op, target, value);
        }
    }

    private static String castProblem(DType from) {
        return from.isFloatingPoint() ? "a floating-point result would be truncated" : "a number is not a bool";
    }
}
