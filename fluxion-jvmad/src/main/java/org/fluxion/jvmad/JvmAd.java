package org.fluxion.jvmad;

import org.fluxion.jvmad.read.MethodRef;

/**
 * Derivatives of plain Java methods, by transforming their bytecode (the approach of Enzyme, on JVM
 * bytecode): given a static method over {@code double}s and {@code double[]}s, with any loops,
 * branches, calls to other static methods (recursion included), {@code Math} functions and in-place
 * array writes, arrays of arrays ({@code double[][]}: {@link #gradMatrix}), generates forward-mode (tangent) and reverse-mode (adjoint) code into hidden
 * classes, which the JVM compiles like hand-written code.
 *
 * <pre>{@code
 * static double rosenbrock(double[] x) { ... plain loop ... }
 * Gradient g = JvmAd.grad(Examples::rosenbrock);
 * double[] grad = g.apply(x);       // reverse mode
 * double[] hv = g.hvp(x, v);        // forward over reverse
 * }</pre>
 *
 * <p>Methods are named by a method reference or a lambda that captures nothing (the interfaces of this
 * package are serializable so that the method behind them can be found), or by class and name.
 * Whatever cannot be differentiated (virtual calls, objects, fields other than static final
 * constants, exception handlers, synchronization) fails here, when the derivative is built, with a
 * {@link org.fluxion.jvmad.ir.NotDifferentiableException} naming the method, line and bytecode offset.
 * {@code throw new T()} and {@code throw new T("message")} of an unchecked T are supported: the
 * exception propagates out of every derivative.
 */
public final class JvmAd {
    private JvmAd() {
    }

    /** The gradient (and directional derivatives, Hessian-vector products) of {@code double f(double[] x)}. */
    public static Gradient grad(ScalarFunction f) {
        return grad(MethodRefs.of(f));
    }

    /** As {@link #grad(ScalarFunction)}, for the static method {@code name} of {@code owner}. */
    public static Gradient grad(Class<?> owner, String name) {
        return grad(MethodRefs.of(owner, name));
    }

    /**
     * As {@link #grad(ScalarFunction)}, under a memory budget: the outermost loops of {@code f} are
     * reversed by binomial checkpointing instead of recording every iteration (see {@link Checkpointing}).
     */
    public static Gradient grad(ScalarFunction f, Checkpointing budget) {
        return grad(MethodRefs.of(f), budget);
    }

    /** As {@link #grad(ScalarFunction, Checkpointing)}, for the static method {@code name} of {@code owner}. */
    public static Gradient grad(Class<?> owner, String name, Checkpointing budget) {
        return grad(MethodRefs.of(owner, name), budget);
    }

    private static Gradient grad(MethodRef ref) {
        return grad(ref, null);
    }

    private static Gradient grad(MethodRef ref, Checkpointing budget) {
        MethodRefs.requireShape(ref, "([D)D", "a gradient");
        return new Gradient(new Build(ref, budget));
    }

    /**
     * The gradient (directional derivatives, Hessian-vector products) of {@code double f(double[][] x)}:
     * code over arrays of rows, allocated or aliased inside as Java allows (see {@link MatrixGradient}
     * for shapes). A name of its own, not an overload of {@code grad}, so that a lambda
     * {@code x -> ...} passed to either needs no cast.
     */
    public static MatrixGradient gradMatrix(MatrixFunction f) {
        return gradMatrix(MethodRefs.of(f), null);
    }

    /** As {@link #gradMatrix(MatrixFunction)}, for the static method {@code name} of {@code owner}. */
    public static MatrixGradient gradMatrix(Class<?> owner, String name) {
        return gradMatrix(MethodRefs.of(owner, name), null);
    }

    /**
     * As {@link #gradMatrix(MatrixFunction)}, under a memory budget: the outermost loops of {@code f}
     * are reversed by binomial checkpointing (their snapshots copy the rows of the arrays they write).
     */
    public static MatrixGradient gradMatrix(MatrixFunction f, Checkpointing budget) {
        return gradMatrix(MethodRefs.of(f), budget);
    }

    private static MatrixGradient gradMatrix(MethodRef ref, Checkpointing budget) {
        MethodRefs.requireShape(ref, "([[D)D", "a matrix gradient");
        return new MatrixGradient(new Build(ref, budget));
    }

    /** The Jacobian (JVP, VJP) of {@code void f(double[] x, double[] out)} with {@code outputs} outputs. */
    public static Jacobian jacobian(VectorFunction f, int outputs) {
        return jacobian(MethodRefs.of(f), outputs);
    }

    /** As {@link #jacobian(VectorFunction, int)}, for the static method {@code name} of {@code owner}. */
    public static Jacobian jacobian(Class<?> owner, String name, int outputs) {
        return jacobian(MethodRefs.of(owner, name), outputs);
    }

    private static Jacobian jacobian(MethodRef ref, int outputs) {
        MethodRefs.requireShape(ref, "([D[D)V", "a Jacobian");
        return new Jacobian(new Build(ref), outputs);
    }

    /** The derivative of {@code double f(double x)}. */
    public static Partials partials(UnaryFunction f) {
        return partials(MethodRefs.of(f));
    }

    /** The partial derivatives of {@code double f(double x, double y)}. */
    public static Partials partials(BinaryFunction f) {
        return partials(MethodRefs.of(f));
    }

    /** The partial derivatives of {@code double f(double x, double y, double z)}. */
    public static Partials partials(TernaryFunction f) {
        return partials(MethodRefs.of(f));
    }

    /** The partial derivatives of the static method {@code name} of {@code owner}, of any number of doubles. */
    public static Partials partials(Class<?> owner, String name) {
        return partials(MethodRefs.of(owner, name));
    }

    private static Partials partials(MethodRef ref) {
        String d = ref.desc().descriptorString();
        if (!d.matches("\\(D*\\)D")) {
            throw new IllegalArgumentException(ref.origin() + " has the signature " + ref.desc().displayDescriptor()
                    + "; partial derivatives need doubles in and a double out");
        }
        return new Partials(new Build(ref));
    }

    /** Forward and reverse derivatives of any supported static method {@code name} of {@code owner}. */
    public static MethodDerivative method(Class<?> owner, String name) {
        return new MethodDerivative(new Build(MethodRefs.of(owner, name)));
    }
}
