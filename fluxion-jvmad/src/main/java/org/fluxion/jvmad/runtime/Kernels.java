package org.fluxion.jvmad.runtime;

/**
 * The interfaces generated classes implement, one per kind of derivative; each method calls the
 * generated entry point with the same parameters. Public because generated classes implement them;
 * not an API.
 */
public final class Kernels {
    private Kernels() {
    }

    /** {@code double f(double[] x)}: returns f(x), adds the gradient into {@code grad}. */
    public interface Gradient {
        double apply(double[] x, double[] grad, Tape tape);
    }

    /** {@code double f(double[] x)}: returns the directional derivative along {@code v}. */
    public interface Directional {
        double apply(double[] x, double[] v, Tape tape);
    }

    /** {@code double f(double[] x)}: returns f(x), adds the gradient into {@code grad} and H v into {@code hv}. */
    public interface HessianVector {
        double apply(double[] x, double[] v, double[] grad, double[] hv, Tape tape);
    }

    /** {@code void f(double[] x, double[] out)}: runs f, writing the tangent of {@code out} along {@code v} into {@code tout}. */
    public interface VectorJvp {
        void apply(double[] x, double[] out, double[] v, double[] tout, Tape tape);
    }

    /** {@code void f(double[] x, double[] out)}: runs f, adding the VJP of the cotangent {@code gout} into {@code gx}. */
    public interface VectorVjp {
        void apply(double[] x, double[] out, double[] gx, double[] gout, Tape tape);
    }

    /** A function of real scalars: returns its value, writes its partial derivatives into {@code grads}. */
    public interface Partials {
        double apply(double[] args, double[] grads, Tape tape);
    }

    /** {@code double f(double x)}: one derivative (or the value) at {@code x}. */
    public interface Scalar {
        double apply(double x, Tape tape);
    }

    /** {@code double f(double[][] x)}: returns f(x), adds the gradient into {@code grad} (of x's shape). */
    public interface MatrixGradient {
        double apply(double[][] x, double[][] grad, Tape tape);
    }

    /** {@code double f(double[][] x)}: returns the directional derivative along {@code v}. */
    public interface MatrixDirectional {
        double apply(double[][] x, double[][] v, Tape tape);
    }

    /** {@code double f(double[][] x)}: returns f(x), adds the gradient into {@code grad} and H v into {@code hv}. */
    public interface MatrixHessianVector {
        double apply(double[][] x, double[][] v, double[][] grad, double[][] hv, Tape tape);
    }
}
