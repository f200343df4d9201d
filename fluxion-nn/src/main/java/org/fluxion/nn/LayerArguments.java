package org.fluxion.nn;

import org.fluxion.ops.Conv2dOptions;
import org.fluxion.ops.Pool2dOptions;

/**
 * Checks of layer constructor arguments, so that a bad size is an {@link IllegalArgumentException}
 * naming the layer and the argument ({@code "Linear: out must be >= 0, got -3"}) rather than a
 * {@code NegativeArraySizeException} from deep inside an initializer, or a layer that fails only
 * when first applied. Shared by the eager layers and the layers as data of {@code org.fluxion.models}.
 */
public final class LayerArguments {
    private LayerArguments() {
    }

    /** {@code value}, if {@code value >= min}. */
    public static int atLeast(String layer, String argument, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(layer + ": " + argument + " must be >= " + min + ", got " + value);
        }
        return value;
    }

    /** {@code value}, if it is a number {@code >= 0} (a non-negative epsilon; NaN is rejected). */
    public static double nonNegative(String layer, String argument, double value) {
        if (!(value >= 0)) {
            throw new IllegalArgumentException(layer + ": " + argument + " must be >= 0, got " + value);
        }
        return value;
    }

    /** {@code value}, if {@code 0 <= value <= 1}. */
    public static double fraction(String layer, String argument, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(layer + ": " + argument + " must be in [0, 1], got " + value);
        }
        return value;
    }

    /** Strides and dilations {@code >= 1}, padding {@code >= 0}, groups {@code >= 1} (as PyTorch's Conv2d). */
    public static Conv2dOptions conv(String layer, Conv2dOptions o) {
        if (o == null) {
            throw new IllegalArgumentException(layer + ": options must not be null");
        }
        atLeast(layer, "strideH", o.strideH(), 1);
        atLeast(layer, "strideW", o.strideW(), 1);
        atLeast(layer, "padH", o.padH(), 0);
        atLeast(layer, "padW", o.padW(), 0);
        atLeast(layer, "dilationH", o.dilationH(), 1);
        atLeast(layer, "dilationW", o.dilationW(), 1);
        atLeast(layer, "groups", o.groups(), 1);
        return o;
    }

    /**
     * Windows and strides {@code >= 1}, padding in {@code [0, kernel / 2]}: PyTorch's rule, which keeps
     * every window overlapping the input (a window of padding alone has no maximum).
     */
    public static Pool2dOptions pool(String layer, Pool2dOptions o) {
        if (o == null) {
            throw new IllegalArgumentException(layer + ": options must not be null");
        }
        atLeast(layer, "kernelH", o.kernelH(), 1);
        atLeast(layer, "kernelW", o.kernelW(), 1);
        atLeast(layer, "strideH", o.strideH(), 1);
        atLeast(layer, "strideW", o.strideW(), 1);
        atLeast(layer, "padH", o.padH(), 0);
        atLeast(layer, "padW", o.padW(), 0);
        if (o.padH() > o.kernelH() / 2 || o.padW() > o.kernelW() / 2) {
            throw new IllegalArgumentException(layer + ": padding must be at most half the window, got padding "
                    + o.padH() + "x" + o.padW() + " for a " + o.kernelH() + "x" + o.kernelW() + " window");
        }
        return o;
    }
}
