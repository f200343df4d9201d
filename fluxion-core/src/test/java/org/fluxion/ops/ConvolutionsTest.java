package org.fluxion.ops;

import static org.fluxion.testing.MessageAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.testing.RandomTensors;
import org.junit.jupiter.api.Test;

/** The tensor-level convolution and pooling API; the kernels have their own exhaustive tests. */
class ConvolutionsTest {
    private final RandomTensors random = new RandomTensors(5);

    /** Direct definition of a strided, padded, dilated, grouped cross-correlation. */
    private static double[] naiveConv(Tensor x, Tensor w, Conv2dOptions o, Shape out) {
        int n = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int wd = x.dim(3);
        int oc = w.dim(0);
        int cg = c / o.groups();
        int og = oc / o.groups();
        int oh = out.dim(2);
        int ow = out.dim(3);
        double[] y = new double[out.size()];
        for (int b = 0; b < n; b++) {
            for (int f = 0; f < oc; f++) {
                int g = f / og;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double s = 0;
                        for (int ci = 0; ci < cg; ci++) {
                            for (int ki = 0; ki < w.dim(2); ki++) {
                                for (int kj = 0; kj < w.dim(3); kj++) {
                                    int r = i * o.strideH() - o.padH() + ki * o.dilationH();
                                    int q = j * o.strideW() - o.padW() + kj * o.dilationW();
                                    if (r >= 0 && r < h && q >= 0 && q < wd) {
                                        s += x.get(b, g * cg + ci, r, q) * w.get(f, ci, ki, kj);
                                    }
                                }
                            }
                        }
                        y[((b * oc + f) * oh + i) * ow + j] = s;
                    }
                }
            }
        }
        return y;
    }

    @Test
    void poolOptionsGiveTheKernelsGeometryOfAnInput() {
        Pool2dOptions o = new Pool2dOptions(3, 2, 2, 1, 1, 0, true, false);
        org.fluxion.kernels.Pool2dGeometry g = o.geometry(Shape.of(2, 3, 9, 7));
        assertEquals(new org.fluxion.kernels.Pool2dGeometry(2, 3, 9, 7, 3, 2, 2, 1, 1, 0, true), g);
        assertEquals(5, g.outHeight());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> o.geometry(Shape.of(3, 9, 7)));
        assertMessage(e, "[N, C, H, W]", "[3, 9, 7]");
    }

    @Test
    void conv2dMatchesDefinitionWithBiasAndViews() {
        for (int trial = 0; trial < 12; trial++) {
            int groups = 1 + trial % 2;
            Conv2dOptions o = new Conv2dOptions(1 + trial % 2, 1 + trial % 3 / 2, trial % 3, trial % 2, 1 + trial % 2, 1, groups);
            Tensor x = random.values(DType.FLOAT64, 2, 2 * groups, 6 + trial % 3, 7);
            Tensor w = random.values(DType.FLOAT64, 2 * groups, 2, 3, 2);
            Tensor b = random.values(DType.FLOAT64, 2 * groups);
            Tensor xv = trial % 2 == 0 ? random.nonContiguous(x) : x;
            Tensor y = Convolutions.conv2d(xv, w, b, o);
            double[] expected = naiveConv(x, w, o, y.shape());
            Tensor withBias = Tensor.of(expected, y.dims()).add(b.reshape(1, -1, 1, 1));
            assertTrue(y.allClose(withBias, 1e-10, 1e-10), "trial " + trial);
            Tensor yf = Convolutions.conv2d(x.to(DType.FLOAT32), w.to(DType.FLOAT32), null, o);
            assertTrue(yf.allClose(Tensor.of(expected, y.dims()).to(DType.FLOAT32), 1e-4, 1e-4));
        }
    }

    @Test
    void gradientPrimitivesAreAdjointsOfTheForwardMap() {
        Conv2dOptions o = new Conv2dOptions(2, 1, 1, 0, 1, 2, 2);
        Tensor x = random.values(DType.FLOAT64, 3, 4, 9, 8);
        Tensor w = random.values(DType.FLOAT64, 6, 2, 3, 3);
        Tensor y = Convolutions.conv2d(x, w, null, o);
        Tensor dy = random.values(DType.FLOAT64, y.dims());
        double lhs = y.mul(dy).sum().item();
        double viaInput = x.mul(Convolutions.conv2dInputGrad(dy, w, x.shape(), o)).sum().item();
        double viaWeight = w.mul(Convolutions.conv2dWeightGrad(x, dy, w.shape(), o)).sum().item();
        assertEquals(lhs, viaInput, 1e-9 * Math.abs(lhs) + 1e-9);
        assertEquals(lhs, viaWeight, 1e-9 * Math.abs(lhs) + 1e-9);

        Pool2dOptions p = new Pool2dOptions(3, 2, 2, 2, 1, 1, true, false);
        Tensor pooled = Convolutions.avgPool2d(x, p);
        Tensor dp = random.values(DType.FLOAT64, pooled.dims());
        assertEquals(pooled.mul(dp).sum().item(), x.mul(Convolutions.avgPool2dGrad(dp, x.shape(), p)).sum().item(), 1e-9);
    }

    @Test
    void maxPoolingAndItsGradient() {
        Tensor x = Tensor.arange(16).reshape(1, 1, 4, 4).to(DType.FLOAT32);
        Tensor y = Convolutions.maxPool2d(x, Pool2dOptions.of(2));
        assertEquals(Tensor.of(new float[] {5, 7, 13, 15}, 1, 1, 2, 2), y);
        Tensor dx = Convolutions.maxPool2dGrad(x, Tensor.ones(1, 1, 2, 2), Pool2dOptions.of(2));
        assertEquals(1.0, dx.get(0, 0, 1, 1));
        assertEquals(0.0, dx.get(0, 0, 0, 0));
        assertEquals(4.0, dx.sum().item());
        Tensor avg = Convolutions.avgPool2d(x, Pool2dOptions.of(2));
        assertEquals(Tensor.of(new float[] {2.5f, 4.5f, 10.5f, 12.5f}, 1, 1, 2, 2), avg);
    }

    /** The gradient reuses the forward's argmax, but never after the input changed in place. */
    @Test
    void maxPoolGradientFollowsAnInPlaceChangeOfItsInput() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        Pool2dOptions o = Pool2dOptions.of(2);
        Convolutions.maxPool2d(x, o);
        assertEquals(1.0, Convolutions.maxPool2dGrad(x, Tensor.ones(1, 1, 1, 1), o).get(0, 0, 1, 1));
        x.copyFrom(Tensor.of(new float[] {9, 2, 3, 4}, 1, 1, 2, 2));
        Tensor dx = Convolutions.maxPool2dGrad(x, Tensor.ones(1, 1, 1, 1), o);
        assertEquals(1.0, dx.get(0, 0, 0, 0));
        assertEquals(0.0, dx.get(0, 0, 1, 1));
        Tensor view = Tensor.of(new float[] {5, 1, 1, 1, 1, 1, 1, 7}, 2, 1, 2, 2).slice(0, 1, 2);
        Convolutions.maxPool2d(Tensor.of(new float[] {5, 1, 1, 1, 1, 1, 1, 7}, 2, 1, 2, 2), o);
        assertEquals(1.0, Convolutions.maxPool2dGrad(view, Tensor.ones(1, 1, 1, 1), o).get(0, 0, 1, 1));
    }

    @Test
    void errorsNameTheOperationAndShapes() {
        Tensor x = Tensor.zeros(1, 3, 8, 8);
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Convolutions.conv2d(x, Tensor.zeros(4, 2, 3, 3))), "conv2d", "[4, 2, 3, 3]", "[1, 3, 8, 8]");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Convolutions.conv2d(Tensor.zeros(3, 8, 8), Tensor.zeros(4, 3, 3, 3))), "conv2d", "rank 4");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Convolutions.conv2d(x, Tensor.zeros(DType.FLOAT64, 4, 3, 3, 3))), "conv2d", "float64");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Convolutions.conv2d(x, Tensor.zeros(4, 3, 9, 9))), "conv2d", "9x9");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Convolutions.conv2d(x, Tensor.zeros(4, 3, 3, 3), Tensor.zeros(3), Conv2dOptions.DEFAULT)),
                "conv2d", "bias", "[4]");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Convolutions.maxPool2d(x, Pool2dOptions.of(9))), "maxPool2d", "9x9");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Convolutions.maxPool2dGrad(x, Tensor.zeros(1, 3, 3, 3), Pool2dOptions.of(2))), "maxPool2dGrad", "[1, 3, 4, 4]");
        assertMessage(assertThrows(IllegalArgumentException.class,
                () -> Convolutions.avgPool2d(Tensor.zeros(DType.INT32, 1, 1, 4, 4), Pool2dOptions.of(2))), "avgPool2d", "int32");
    }
}
