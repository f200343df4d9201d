package org.fluxion.optim;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Flush-to-zero for optimizer state. A moment whose gradient stays zero (a weight on an always-black pixel, a
 * dead ReLU unit) decays geometrically, {@code m = 0.9^t m0}, into float32's subnormal range after a few hundred
 * steps, and x86 computes with subnormal operands or results through a microcode assist about a hundred times
 * slower than a normal operation: one subnormal lane slows its whole vector. The Fashion-MNIST MLP's first-layer
 * Adam update took 272 us instead of 40 with 9% of its first moments subnormal. ML runtimes on CPUs set the
 * processor's flush-to-zero and denormals-are-zero flags (TensorFlow and XLA do, per thread); the JVM cannot, so
 * the optimizers store a moment below the smallest normal number ({@link Float#MIN_NORMAL}, or
 * {@link Double#MIN_NORMAL} in float64) as zero. The change to the update is below {@code 1e-38} relative.
 */
final class Subnormals {
    private Subnormals() {
    }

    /** {@code x}, or +0 when it is subnormal (of either sign). */
    static float flush(float x) {
        return Math.abs(x) < Float.MIN_NORMAL ? 0f : x;
    }

    /** {@code x}, or +0 when it is subnormal (of either sign). */
    static double flush(double x) {
        return Math.abs(x) < Double.MIN_NORMAL ? 0d : x;
    }

    /** The tensor form: elements below the dtype's smallest normal magnitude made zero. */
    static Tensor flush(Tensor x) {
        double minNormal = x.dtype() == DType.FLOAT64 ? Double.MIN_NORMAL : Float.MIN_NORMAL;
        return Tensor.where(x.abs().lt(minNormal), Tensor.zeros(x.dtype()), x);
    }
}
