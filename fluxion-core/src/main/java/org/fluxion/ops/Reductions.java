package org.fluxion.ops;

import org.fluxion.tensor.Tensor;

/** Reductions over axes and the softmax family. */
public final class Reductions {
    private Reductions() {
    }

    private static UnsupportedOperationException todo(String op) {
        return new UnsupportedOperationException(op + " is not implemented yet");
    }

    public static Tensor sum(Tensor x, int[] axes, boolean keepDims) { throw todo("sum"); }
    public static Tensor mean(Tensor x, int[] axes, boolean keepDims) { throw todo("mean"); }
    public static Tensor prod(Tensor x, int[] axes, boolean keepDims) { throw todo("prod"); }
    public static Tensor max(Tensor x, int[] axes, boolean keepDims) { throw todo("max"); }
    public static Tensor min(Tensor x, int[] axes, boolean keepDims) { throw todo("min"); }
    public static Tensor argmax(Tensor x, int axis, boolean keepDims) { throw todo("argmax"); }
    public static Tensor argmin(Tensor x, int axis, boolean keepDims) { throw todo("argmin"); }
    public static Tensor logsumexp(Tensor x, int[] axes, boolean keepDims) { throw todo("logsumexp"); }
    public static Tensor variance(Tensor x, int[] axes, int correction, boolean keepDims) { throw todo("variance"); }
    public static Tensor softmax(Tensor x, int axis) { throw todo("softmax"); }
    public static Tensor logSoftmax(Tensor x, int axis) { throw todo("logSoftmax"); }
}
