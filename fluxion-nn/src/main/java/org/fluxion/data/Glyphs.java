package org.fluxion.data;

import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;

/**
 * A small MNIST-like image set generated from a seed, the fallback when Fashion-MNIST is absent:
 * 28x28 grey-scale line drawings of ten shapes, float32 {@code [N, 28, 28]} in [0, 1] with int64
 * labels {@code [N]}. Nothing is stored: 10,000 images take well under a second to draw.
 *
 * <p>Each image is its class's shape (a few line segments in a unit box) under a random rotation
 * (±20°), scale (0.7–1.15), translation (±3 px), stroke width (1.2–3 px) and ink (0.6–1), with
 * every vertex jittered by ±0.08 of the box, then Gaussian pixel noise (σ 0.12) and a faint
 * random distractor stroke, clipped to [0, 1]. The shapes share strokes (a T, an L and a plus
 * share bars; a square and a triangle share edges) so a linear model does not separate them
 * perfectly, while a small MLP or CNN reaches well over 85% test accuracy after one epoch.
 */
public final class Glyphs {
    /** Image side in pixels. */
    public static final int SIZE = 28;

    /** Class names in label order. */
    public static final List<String> CLASSES = List.of("ring", "vertical bar", "horizontal bar", "plus", "cross",
            "square", "triangle", "L corner", "T", "equals");

    private static final RandomGeneratorFactory<RandomGenerator> SEEDED = RandomGeneratorFactory.of("L64X128MixRandom");

    /** Segments {x0, y0, x1, y1} per class in a box [-1, 1]^2, y pointing down. */
    private static final double[][][] SHAPES = {
            ring(),
            {{0, -1, 0, 1}},
            {{-1, 0, 1, 0}},
            {{0, -1, 0, 1}, {-1, 0, 1, 0}},
            {{-0.8, -0.8, 0.8, 0.8}, {-0.8, 0.8, 0.8, -0.8}},
            {{-0.8, -0.8, 0.8, -0.8}, {0.8, -0.8, 0.8, 0.8}, {0.8, 0.8, -0.8, 0.8}, {-0.8, 0.8, -0.8, -0.8}},
            {{0, -0.9, 0.9, 0.8}, {0.9, 0.8, -0.9, 0.8}, {-0.9, 0.8, 0, -0.9}},
            {{-0.6, -1, -0.6, 0.8}, {-0.6, 0.8, 0.8, 0.8}},
            {{-0.9, -0.8, 0.9, -0.8}, {0, -0.8, 0, 1}},
            {{-0.9, -0.4, 0.9, -0.4}, {-0.9, 0.4, 0.9, 0.4}},
    };

    private Glyphs() {
    }

    /** {@code n} images, classes balanced (as equal as n allows) and in shuffled order. */
    public static TensorDataset generate(int n, long seed) {
        if (n < 0) {
            throw new IllegalArgumentException("Glyphs.generate: negative sample count " + n);
        }
        RandomGenerator rng = SEEDED.create(seed);
        long[] labels = new long[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % CLASSES.size();
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            long t = labels[i];
            labels[i] = labels[j];
            labels[j] = t;
        }
        float[] pixels = new float[n * SIZE * SIZE];
        for (int i = 0; i < n; i++) {
            draw(SHAPES[(int) labels[i]], rng, pixels, i * SIZE * SIZE);
        }
        return new TensorDataset(Tensor.wrap(Storage.wrap(DType.FLOAT32, pixels), Shape.of(n, SIZE, SIZE)),
                Tensor.wrap(Storage.wrap(DType.INT64, labels), Shape.of(n)));
    }

    /** Train and test sets drawn from independent streams of the same seed. */
    public static TrainTest trainTest(int trainSize, int testSize, long seed) {
        // Different stream seeds so that the test images are not a prefix of the training images.
        return new TrainTest(generate(trainSize, seed), generate(testSize, ~seed * 0x9E3779B97F4A7C15L),
                CLASSES, "Fluxion glyphs (" + trainSize + " train / " + testSize + " test, seed " + seed + ")");
    }

    private static void draw(double[][] shape, RandomGenerator rng, float[] out, int offset) {
        double angle = Math.toRadians(rng.nextDouble(-20, 20));
        double scale = rng.nextDouble(0.7, 1.15) * 9;
        double cx = SIZE / 2.0 + rng.nextDouble(-3, 3);
        double cy = SIZE / 2.0 + rng.nextDouble(-3, 3);
        double halfWidth = rng.nextDouble(1.2, 3) / 2;
        double ink = rng.nextDouble(0.6, 1);
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        int count = shape.length + 1;
        double[][] segments = new double[count][4];
        for (int s = 0; s < shape.length; s++) {
            for (int e = 0; e < 4; e += 2) {
                double x = shape[s][e] + rng.nextDouble(-0.08, 0.08);
                double y = shape[s][e + 1] + rng.nextDouble(-0.08, 0.08);
                segments[s][e] = cx + scale * (cos * x - sin * y);
                segments[s][e + 1] = cy + scale * (sin * x + cos * y);
            }
        }
        // A short faint stroke anywhere, so that "any ink at position p" is not a class giveaway.
        double dx = rng.nextDouble(2, SIZE - 2);
        double dy = rng.nextDouble(2, SIZE - 2);
        double dAngle = rng.nextDouble(0, Math.PI);
        segments[shape.length] = new double[] {dx, dy, dx + 5 * Math.cos(dAngle), dy + 5 * Math.sin(dAngle)};
        double distractorInk = rng.nextDouble(0.1, 0.4);
        for (int py = 0; py < SIZE; py++) {
            for (int px = 0; px < SIZE; px++) {
                double x = px + 0.5;
                double y = py + 0.5;
                double value = 0;
                for (int s = 0; s < count; s++) {
                    double d = distance(x, y, segments[s]);
                    // Coverage falls from 1 to 0 over one pixel at the stroke's edge (cheap anti-aliasing).
                    double coverage = Math.clamp(halfWidth + 0.5 - d, 0, 1);
                    value = Math.max(value, coverage * (s < shape.length ? ink : distractorInk));
                }
                value += 0.12 * rng.nextGaussian();
                out[offset + py * SIZE + px] = (float) Math.clamp(value, 0, 1);
            }
        }
    }

    /** Distance from (x, y) to the segment {x0, y0, x1, y1}. */
    private static double distance(double x, double y, double[] s) {
        double vx = s[2] - s[0];
        double vy = s[3] - s[1];
        double wx = x - s[0];
        double wy = y - s[1];
        double length2 = vx * vx + vy * vy;
        double t = length2 == 0 ? 0 : Math.clamp((wx * vx + wy * vy) / length2, 0, 1);
        double ex = wx - t * vx;
        double ey = wy - t * vy;
        return Math.sqrt(ex * ex + ey * ey);
    }

    private static double[][] ring() {
        int sides = 16;
        double[][] segments = new double[sides][];
        for (int i = 0; i < sides; i++) {
            double a0 = 2 * Math.PI * i / sides;
            double a1 = 2 * Math.PI * (i + 1) / sides;
            segments[i] = new double[] {0.85 * Math.cos(a0), 0.85 * Math.sin(a0), 0.85 * Math.cos(a1), 0.85 * Math.sin(a1)};
        }
        return segments;
    }
}
