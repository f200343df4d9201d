package org.fluxion.ops;

import java.util.List;
import org.fluxion.tensor.Tensor;

/** Concatenation, stacking, splitting and padding. */
public final class Joining {
    private Joining() {
    }

    private static UnsupportedOperationException todo(String op) {
        return new UnsupportedOperationException(op + " is not implemented yet");
    }

    public static Tensor concat(int axis, List<Tensor> tensors) { throw todo("concat"); }
    public static Tensor stack(int axis, List<Tensor> tensors) { throw todo("stack"); }
    public static List<Tensor> split(Tensor x, int axis, int... sizes) { throw todo("split"); }
    public static List<Tensor> chunk(Tensor x, int axis, int size) { throw todo("chunk"); }
    public static Tensor pad(Tensor x, int[] padding, double value) { throw todo("pad"); }
}
