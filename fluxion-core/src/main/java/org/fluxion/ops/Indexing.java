package org.fluxion.ops;

import org.fluxion.tensor.Tensor;

/** Gather, index-select, scatter-add and one-hot encoding. */
public final class Indexing {
    private Indexing() {
    }

    private static UnsupportedOperationException todo(String op) {
        return new UnsupportedOperationException(op + " is not implemented yet");
    }

    public static Tensor gather(Tensor x, int axis, Tensor index) { throw todo("gather"); }
    public static Tensor indexSelect(Tensor x, int axis, Tensor index) { throw todo("indexSelect"); }
    public static Tensor scatterAdd(Tensor x, int axis, Tensor index, Tensor source) { throw todo("scatterAdd"); }
    public static Tensor oneHot(Tensor indices, int numClasses) { throw todo("oneHot"); }
}
