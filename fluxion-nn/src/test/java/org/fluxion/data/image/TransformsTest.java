package org.fluxion.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.fluxion.autodiff.Functional;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Resize against PIL's bilinear filter and its known weights; crop, normalize and conversion by hand. */
class TransformsTest {
    @Test
    void antialiasedHalvingAveragesFourPixelsWithTheTriangleFilter() {
        // Scale 2: centre 2i + 1, the triangle spans two input pixels each side: weights 1/8, 3/8, 3/8, 1/8,
        // cut at the border and renormalized there (3/7, 3/7, 1/7).
        double[] w = Resize.weights(8, 4, true).toDoubleArray();
        assertArrayEquals(new double[] {3 / 7.0, 3 / 7.0, 1 / 7.0, 0, 0, 0, 0, 0}, java.util.Arrays.copyOfRange(w, 0, 8), 1e-7);
        assertArrayEquals(new double[] {0, 1 / 8.0, 3 / 8.0, 3 / 8.0, 1 / 8.0, 0, 0, 0}, java.util.Arrays.copyOfRange(w, 8, 16), 1e-7);
        // Without antialiasing: the two neighbours of 2i + 1/2, half each.
        double[] plain = Resize.weights(8, 4, false).toDoubleArray();
        assertArrayEquals(new double[] {0, 0, 0.5, 0.5, 0, 0, 0, 0}, java.util.Arrays.copyOfRange(plain, 8, 16), 1e-12);
        // Doubling: both agree; pixel 0 sits at -1/4 (clamped), pixel 1 at 1/4.
        double[] up = Resize.weights(2, 4, true).toDoubleArray();
        assertArrayEquals(new double[] {1, 0, 0.75, 0.25, 0.25, 0.75, 0, 1}, up, 1e-12);
        assertArrayEquals(up, Resize.weights(2, 4, false).toDoubleArray(), 1e-12);
    }

    @Test
    void shorterSideKeepsTheAspectRatioAsTorchvision() {
        assertArrayEquals(new int[] {3, 150, 100}, new Resize(100).apply(Tensor.zeros(3, 300, 200)).dims());
        assertArrayEquals(new int[] {3, 100, 149}, new Resize(100).apply(Tensor.zeros(3, 201, 300)).dims());
        assertArrayEquals(new int[] {2, 3, 7, 5}, new Resize(7, 5).apply(Tensor.zeros(2, 3, 20, 30)).dims());
        Tensor constant = Tensor.full(0.25, 3, 17, 23);
        Tensor resized = new Resize(5, 9).apply(constant);
        for (float v : resized.toFloatArray()) assertEquals(0.25f, v, 1e-6f);
        Tensor bytes = Tensor.full(200, DType.UINT8, 3, 8, 8);
        Tensor small = new Resize(3).apply(bytes);
        assertEquals(DType.UINT8, small.dtype());
        for (long v : small.toLongArray()) assertEquals(200, v);
        assertThrows(IllegalArgumentException.class, () -> new Resize(0));
    }

    /** PIL's Image.resize(BILINEAR) on 32-bit float images (mode F), the filter torchvision ported. */
    @Test
    void resizeMatchesPil() throws Exception {
        Assumptions.assumeTrue(PilReference.available(), PilReference.MISSING);
        int h = 37;
        int w = 53;
        SplittableRandom r = new SplittableRandom(4);
        float[] pixels = new float[h * w];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (float) r.nextDouble();
        Tensor image = Tensor.of(pixels, 1, h, w);
        int[][] sizes = {{12, 20}, {5, 7}, {37, 100}, {80, 16}, {20, 53}};
        ByteBuffer in = ByteBuffer.allocate(4 * pixels.length).order(ByteOrder.LITTLE_ENDIAN);
        in.asFloatBuffer().put(pixels);
        StringBuilder sizeList = new StringBuilder();
        for (int[] s : sizes) sizeList.append(s[0]).append('x').append(s[1]).append(',');
        byte[] out = PilReference.run("""
                import sys, numpy as np
                from PIL import Image
                a = np.frombuffer(sys.stdin.buffer.read(), dtype='<f4').reshape(%d, %d)
                for s in sys.argv[1].strip(',').split(','):
                    oh, ow = map(int, s.split('x'))
                    r = np.asarray(Image.fromarray(a, mode='F').resize((ow, oh), Image.BILINEAR), dtype='<f4')
                    sys.stdout.buffer.write(r.tobytes())
                """.formatted(h, w), in.array(), sizeList.toString());
        ByteBuffer pil = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        for (int[] s : sizes) {
            float[] mine = new Resize(s[0], s[1]).apply(image).toFloatArray();
            for (int i = 0; i < mine.length; i++) {
                float theirs = pil.getFloat();
                assertEquals(theirs, mine[i], 2e-6, "resize to " + s[0] + "x" + s[1] + " at " + i);
            }
        }
        assertEquals(0, pil.remaining());
    }

    @Test
    void resizeIsDifferentiable() {
        Tensor x = Tensor.randn(new SplittableRandom(2), 1, 6, 4);
        Tensor weightsOut = Tensor.randn(new SplittableRandom(3), 1, 3, 2);
        Tensor g = Functional.grad((Tensor t) -> new Resize(3, 2).apply(t).mul(weightsOut).sum()).apply(x);
        // d/dx sum(G * W_h x W_w^T) = W_h^T G W_w
        Tensor expected = Resize.weights(6, 3, true).to(DType.FLOAT32).transpose().matmul(weightsOut)
                .matmul(Resize.weights(4, 2, true).to(DType.FLOAT32));
        assertArrayEquals(expected.toFloatArray(), g.toFloatArray(), 1e-5f);
    }

    @Test
    void centerCropRoundsAsTorchvisionAndPadsSmallImages() {
        Tensor x = Tensor.arange(0, 35, 1, DType.FLOAT32).reshape(1, 5, 7);
        // top = round((5 - 3) / 2) = 1, left = round((7 - 3) / 2) = 2
        assertArrayEquals(new float[] {9, 10, 11, 16, 17, 18, 23, 24, 25}, new CenterCrop(3).apply(x).toFloatArray());
        // (7 - 2) / 2 = 2.5 rounds to the even 2, as Python's round
        assertArrayEquals(new float[] {2, 3}, new CenterCrop(1, 2).apply(x.slice(1, 0, 1)).toFloatArray());
        Tensor small = Tensor.ones(1, 2, 2);
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0}, new CenterCrop(4).apply(small).toFloatArray());
    }

    @Test
    void toTensorAndNormalizeAsTorchvision() {
        Tensor bytes = Tensor.of(new int[] {0, 51, 255, 102, 204, 255}, 3, 1, 2).to(DType.UINT8);
        Tensor f = new ToTensor().apply(bytes);
        assertEquals(DType.FLOAT32, f.dtype());
        assertArrayEquals(new float[] {0, 0.2f, 1, 0.4f, 0.8f, 1}, f.toFloatArray(), 1e-7f);
        Tensor n = Normalize.IMAGENET.apply(f);
        assertArrayEquals(new float[] {(0 - 0.485f) / 0.229f, (0.2f - 0.485f) / 0.229f, (1 - 0.456f) / 0.224f,
                (0.4f - 0.456f) / 0.224f, (0.8f - 0.406f) / 0.225f, (1 - 0.406f) / 0.225f}, n.toFloatArray(), 1e-6f);
        ImageTransform pipeline = new Resize(4).andThen(new CenterCrop(2)).andThen(new ToTensor()).andThen(Normalize.IMAGENET);
        assertArrayEquals(new int[] {3, 2, 2}, pipeline.apply(Tensor.zeros(DType.UINT8, 3, 6, 9)).dims());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Normalize.IMAGENET.apply(bytes));
        assertTrue(e.getMessage().contains("apply ToTensor first"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Normalize.IMAGENET.apply(Tensor.zeros(1, 2, 2)));
        assertThrows(IllegalArgumentException.class, () -> new CenterCrop(2).apply(Tensor.zeros(2, 2)));
    }
}
