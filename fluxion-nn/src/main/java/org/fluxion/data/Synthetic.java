package org.fluxion.data;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;

/**
 * Seeded toy classification sets in the manner of scikit-learn's {@code make_moons},
 * {@code make_blobs}, {@code make_circles} and CS231n's spirals. Each returns features float32
 * {@code [n, 2]} ({@code [n, F]} for blobs) and labels int64 {@code [n]}, shuffled; classes get
 * {@code n / classes} samples each, the first {@code n % classes} classes one more. The same
 * arguments always give the same data.
 */
public final class Synthetic {
    private static final RandomGeneratorFactory<RandomGenerator> SEEDED = RandomGeneratorFactory.of("L64X128MixRandom");

    private Synthetic() {
    }

    /**
     * Two interleaving half circles: class 0 is {@code (cos t, sin t)}, class 1
     * {@code (1 - cos t, 0.5 - sin t)} for {@code t} evenly spaced in {@code [0, pi]}, plus Gaussian
     * noise of standard deviation {@code noise}.
     */
    public static TensorDataset moons(int n, double noise, long seed) {
        check(n, 2, noise, "moons");
        RandomGenerator rng = SEEDED.create(seed);
        Builder b = new Builder(n, 2);
        for (int c = 0; c < 2; c++) {
            int count = share(n, 2, c);
            for (int i = 0; i < count; i++) {
                double t = count == 1 ? 0 : Math.PI * i / (count - 1);
                double x = c == 0 ? Math.cos(t) : 1 - Math.cos(t);
                double y = c == 0 ? Math.sin(t) : 0.5 - Math.sin(t);
                b.add(c, x + noise * rng.nextGaussian(), y + noise * rng.nextGaussian());
            }
        }
        return b.shuffled(rng);
    }

    /**
     * Two concentric circles: class 0 of radius 1, class 1 of radius {@code factor} (in (0, 1)),
     * points evenly spaced in angle, plus Gaussian noise of standard deviation {@code noise}.
     */
    public static TensorDataset circles(int n, double noise, double factor, long seed) {
        check(n, 2, noise, "circles");
        if (!(factor > 0 && factor < 1)) {
            throw new IllegalArgumentException("Synthetic.circles: factor must be in (0, 1), got " + factor);
        }
        RandomGenerator rng = SEEDED.create(seed);
        Builder b = new Builder(n, 2);
        for (int c = 0; c < 2; c++) {
            int count = share(n, 2, c);
            double r = c == 0 ? 1 : factor;
            for (int i = 0; i < count; i++) {
                double t = 2 * Math.PI * i / count;
                b.add(c, r * Math.cos(t) + noise * rng.nextGaussian(), r * Math.sin(t) + noise * rng.nextGaussian());
            }
        }
        return b.shuffled(rng);
    }

    /** {@link #blobs(int, int, int, double, long)} in two dimensions. */
    public static TensorDataset blobs(int n, int centers, double std, long seed) {
        return blobs(n, centers, 2, std, seed);
    }

    /**
     * Isotropic Gaussian clusters: {@code centers} centres drawn uniformly from
     * {@code [-10, 10]^features}, each class sampled around its centre with standard deviation {@code std}.
     */
    public static TensorDataset blobs(int n, int centers, int features, double std, long seed) {
        check(n, centers, std, "blobs");
        if (features < 1) {
            throw new IllegalArgumentException("Synthetic.blobs: features must be >= 1, got " + features);
        }
        RandomGenerator rng = SEEDED.create(seed);
        double[][] centre = new double[centers][features];
        for (double[] c : centre) {
            for (int j = 0; j < features; j++) {
                c[j] = rng.nextDouble(-10, 10);
            }
        }
        Builder b = new Builder(n, features);
        for (int c = 0; c < centers; c++) {
            for (int i = 0; i < share(n, centers, c); i++) {
                double[] p = new double[features];
                for (int j = 0; j < features; j++) {
                    p[j] = centre[c][j] + std * rng.nextGaussian();
                }
                b.add(c, p);
            }
        }
        return b.shuffled(rng);
    }

    /**
     * Interleaved spiral arms (CS231n): class {@code k} has radius {@code r} evenly spaced in
     * {@code [0, 1]} and angle {@code 4k + 4r} (radians) plus Gaussian noise of standard deviation
     * {@code noise} on the angle; the point is {@code (r sin angle, r cos angle)}.
     */
    public static TensorDataset spirals(int n, int classes, double noise, long seed) {
        check(n, classes, noise, "spirals");
        RandomGenerator rng = SEEDED.create(seed);
        Builder b = new Builder(n, 2);
        for (int c = 0; c < classes; c++) {
            int count = share(n, classes, c);
            for (int i = 0; i < count; i++) {
                double r = count == 1 ? 0 : (double) i / (count - 1);
                double t = 4 * c + 4 * r + noise * rng.nextGaussian();
                b.add(c, r * Math.sin(t), r * Math.cos(t));
            }
        }
        return b.shuffled(rng);
    }

    private static int share(int n, int classes, int c) {
        return n / classes + (c < n % classes ? 1 : 0);
    }

    private static void check(int n, int classes, double noise, String op) {
        if (n < 1 || classes < 1 || !(noise >= 0) || Double.isInfinite(noise)) {
            throw new IllegalArgumentException("Synthetic." + op + ": need n >= 1, classes >= 1 and a finite noise >= 0, got n="
                    + n + ", classes=" + classes + ", noise=" + noise);
        }
    }

    /** Collects rows, then shuffles them (so that batches are not sorted by class). */
    private static final class Builder {
        private final float[] x;
        private final long[] y;
        private final int features;
        private int rows;

        Builder(int n, int features) {
            this.x = new float[n * features];
            this.y = new long[n];
            this.features = features;
        }

        void add(int label, double... point) {
            for (int j = 0; j < features; j++) {
                x[rows * features + j] = (float) point[j];
            }
            y[rows++] = label;
        }

        TensorDataset shuffled(RandomGenerator rng) {
            for (int i = rows - 1; i > 0; i--) {
                int k = rng.nextInt(i + 1);
                long t = y[i];
                y[i] = y[k];
                y[k] = t;
                for (int j = 0; j < features; j++) {
                    float v = x[i * features + j];
                    x[i * features + j] = x[k * features + j];
                    x[k * features + j] = v;
                }
            }
            return new TensorDataset(Tensor.wrap(Storage.wrap(DType.FLOAT32, x), Shape.of(rows, features)),
                    Tensor.wrap(Storage.wrap(DType.INT64, y), Shape.of(rows)));
        }
    }
}
