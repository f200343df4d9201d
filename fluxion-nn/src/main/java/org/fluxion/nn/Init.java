package org.fluxion.nn;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.random.RandomGenerator;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Parameter initializers. Each takes an explicit {@link RandomGenerator} (or a seed), the dtype and the
 * shape, and returns a fresh tensor that does not require grad (layers mark their parameters).
 *
 * <p>Fans follow PyTorch: for a weight {@code [out, in, k1, k2, ...]} {@code fanIn = in * k1 * k2 ...} and
 * {@code fanOut = out * k1 * k2 ...}; for a rank-1 tensor both are its length.
 *
 * <p>Layer defaults are PyTorch's: Linear and Conv2d weights and biases are drawn from
 * {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))} ({@link #uniformFanIn}; PyTorch's {@code kaiming_uniform_} with
 * {@code a = sqrt(5)}), so that a recipe ported from PyTorch trains the same way.
 *
 * <p>A fan of 0 (a layer with no inputs, {@code new Linear(0, 3)}) gives a bound or standard deviation
 * of 0, as in PyTorch ({@code bound = 1 / sqrt(fan_in) if fan_in > 0 else 0}): the bias of such a layer
 * is zeros, not the NaN of {@code 1/sqrt(0) * 0}. Every scale below goes through {@link #perFan}.
 */
public final class Init {
    /** The gain for ReLU layers, {@code sqrt(2)} (He et al.). */
    public static final double RELU_GAIN = Math.sqrt(2);

    private Init() {
    }

    /** {@code fanIn} of a weight shape (see the class comment). */
    public static int fanIn(int... dims) {
        return dims.length == 1 ? dims[0] : dims[1] * receptiveField(dims);
    }

    /** {@code fanOut} of a weight shape (see the class comment). */
    public static int fanOut(int... dims) {
        return dims[0] * receptiveField(dims);
    }

    private static int receptiveField(int[] dims) {
        int r = 1;
        for (int i = 2; i < dims.length; i++) {
            r *= dims[i];
        }
        return r;
    }

    /** Zeros. */
    public static Tensor zeros(DType dtype, int... dims) {
        return Tensor.zeros(dtype, dims);
    }

    /** Ones. */
    public static Tensor ones(DType dtype, int... dims) {
        return Tensor.ones(dtype, dims);
    }

    /** {@code U(low, high)}. */
    public static Tensor uniform(RandomGenerator rng, double low, double high, DType dtype, int... dims) {
        return fill(() -> low + (high - low) * rng.nextDouble(), dtype, dims);
    }

    /** {@code N(0, sigma^2)}. */
    public static Tensor normal(RandomGenerator rng, double sigma, DType dtype, int... dims) {
        return fill(() -> sigma * rng.nextGaussian(), dtype, dims);
    }

    /** {@code N(0, sigma^2)} from a generator seeded with {@code seed}. */
    public static Tensor normal(long seed, double sigma, DType dtype, int... dims) {
        return normal(new SplittableRandom(seed), sigma, dtype, dims);
    }

    /**
     * {@code N(0, sigma^2)} truncated to {@code [-2 sigma, 2 sigma]}: samples beyond are redrawn
     * (TensorFlow's {@code truncated_normal}), so the standard deviation is about {@code 0.88 sigma}.
     */
    public static Tensor truncatedNormal(RandomGenerator rng, double sigma, DType dtype, int... dims) {
        return fill(() -> {
            double z;
            do {
                z = rng.nextGaussian();
            } while (Math.abs(z) > 2);
            return sigma * z;
        }, dtype, dims);
    }

    /** Glorot/Xavier uniform: {@code U(-a, a)}, {@code a = gain * sqrt(6 / (fanIn + fanOut))}. */
    public static Tensor glorotUniform(RandomGenerator rng, double gain, DType dtype, int... dims) {
        double a = gain * perFan(6, fanIn(dims) + fanOut(dims));
        return uniform(rng, -a, a, dtype, dims);
    }

    /** Glorot/Xavier uniform with gain 1 (Keras's and Flux's default). */
    public static Tensor glorotUniform(RandomGenerator rng, DType dtype, int... dims) {
        return glorotUniform(rng, 1, dtype, dims);
    }

    /** Glorot/Xavier normal: {@code N(0, s^2)}, {@code s = gain * sqrt(2 / (fanIn + fanOut))}. */
    public static Tensor glorotNormal(RandomGenerator rng, double gain, DType dtype, int... dims) {
        return normal(rng, gain * perFan(2, fanIn(dims) + fanOut(dims)), dtype, dims);
    }

    /** Glorot/Xavier normal with gain 1. */
    public static Tensor glorotNormal(RandomGenerator rng, DType dtype, int... dims) {
        return glorotNormal(rng, 1, dtype, dims);
    }

    /** He/Kaiming uniform (fan-in mode): {@code U(-b, b)}, {@code b = gain * sqrt(3 / fanIn)}. */
    public static Tensor kaimingUniform(RandomGenerator rng, double gain, DType dtype, int... dims) {
        double b = gain * perFan(3, fanIn(dims));
        return uniform(rng, -b, b, dtype, dims);
    }

    /** He/Kaiming uniform with the ReLU gain {@code sqrt(2)}: {@code b = sqrt(6 / fanIn)}. */
    public static Tensor kaimingUniform(RandomGenerator rng, DType dtype, int... dims) {
        return kaimingUniform(rng, RELU_GAIN, dtype, dims);
    }

    /** He/Kaiming normal (fan-in mode): {@code N(0, s^2)}, {@code s = gain / sqrt(fanIn)}. */
    public static Tensor kaimingNormal(RandomGenerator rng, double gain, DType dtype, int... dims) {
        return normal(rng, gain * perFan(1, fanIn(dims)), dtype, dims);
    }

    /** He/Kaiming normal with the ReLU gain: {@code s = sqrt(2 / fanIn)}. */
    public static Tensor kaimingNormal(RandomGenerator rng, DType dtype, int... dims) {
        return kaimingNormal(rng, RELU_GAIN, dtype, dims);
    }

    /**
     * {@code U(-1/sqrt(fanIn), 1/sqrt(fanIn))}: PyTorch's default for Linear and Conv weights
     * ({@code kaiming_uniform_(a = sqrt(5))}) and, with the weight's fan-in, for their biases; zeros
     * when {@code fanIn} is 0.
     *
     * @throws IllegalArgumentException if {@code fanIn < 0}
     */
    public static Tensor uniformFanIn(RandomGenerator rng, int fanIn, DType dtype, int... dims) {
        if (fanIn < 0) {
            throw new IllegalArgumentException("Init.uniformFanIn: fanIn must be >= 0, got " + fanIn);
        }
        double b = perFan(1, fanIn);
        return uniform(rng, -b, b, dtype, dims);
    }

    /**
     * {@code sqrt(c / fan)}, or 0 when {@code fan} is 0. With fan 0 the weight itself is empty (its
     * fan-in is a factor of its size), so only a bias drawn with the weight's fan-in sees this scale,
     * and 0 keeps it finite where {@code sqrt(c / 0) = inf} would make {@code inf * 0 = NaN}.
     */
    private static double perFan(double c, int fan) {
        return fan == 0 ? 0 : Math.sqrt(c / fan);
    }

    private static Tensor fill(DoubleSupplier sample, DType dtype, int... dims) {
        int n = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("Init: dimensions must be >= 0, got " + Arrays.toString(dims));
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("Init: shape " + Arrays.toString(dims) + " has more than "
                        + Integer.MAX_VALUE + " elements");
            }
        }
        double[] data = new double[n];
        for (int i = 0; i < n; i++) {
            data[i] = sample.getAsDouble();
        }
        return Tensor.of(data, dims).to(dtype);
    }
}
