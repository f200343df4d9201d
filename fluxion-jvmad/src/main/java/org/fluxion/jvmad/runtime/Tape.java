package org.fluxion.jvmad.runtime;

import java.util.Arrays;

/**
 * The tape of generated derivative code: three stacks of primitive arrays (doubles, ints and
 * references), grown by doubling. Reverse mode's augmented forward method pushes what its adjoint
 * method will need (operands of nonlinear operations, array indices, the block it came from at each
 * merge of control flow, shadow arrays that an assignment replaces) and the adjoint method pops them
 * in reverse order; since calls nest, one tape serves a whole call tree, last in, first out. Results
 * that a generated method cannot return (a tangent, the adjoints of its parameters) travel on the same
 * stacks. One tape per thread; not thread-safe.
 *
 * <p>Public because generated classes call it; not an API.
 */
public final class Tape {
    // Package-private: generated methods (defined in this package) keep these in locals while they
    // run, writing them back before a call and after their last push or pop (see MethodEmitter).
    double[] reals = new double[1024];
    int realTop;
    int[] ints = new int[1024];
    int intTop;
    Object[] refs = new Object[64];
    int refTop;
    /** Checkpointed loops of the last call: the most values stored at once, and the steps run again. */
    long peakStored;
    long stepsRun;

    /** Empties the stacks, keeping their capacity. */
    public void reset() {
        realTop = 0;
        intTop = 0;
        Arrays.fill(refs, 0, refTop, null);
        refTop = 0;
        peakStored = 0;
        stepsRun = 0;
    }

    /**
     * For checkpointed loops (see {@link Revolve}): the most values (tape entries and copies of loop
     * state) stored at once since the last {@link #reset}; 0 when no loop was checkpointed.
     */
    public long peakStored() {
        return peakStored;
    }

    /** Steps of checkpointed loops run during reverse sweeps since the last {@link #reset}. */
    public long stepsRun() {
        return stepsRun;
    }

    /** True when every stack is empty (a generated entry point left nothing behind). */
    public boolean isEmpty() {
        return realTop == 0 && intTop == 0 && refTop == 0;
    }

    /** Sizes of the three stacks, for messages: {@code reals=..., ints=..., refs=...}. */
    public String sizes() {
        return "reals=" + realTop + ", ints=" + intTop + ", refs=" + refTop;
    }

    /** The array twice as long, for generated code whose cached stack is full. */
    public static double[] grow(double[] a) {
        return Arrays.copyOf(a, 2 * a.length);
    }

    /** The array twice as long. */
    public static int[] grow(int[] a) {
        return Arrays.copyOf(a, 2 * a.length);
    }

    /** The array twice as long. */
    public static Object[] grow(Object[] a) {
        return Arrays.copyOf(a, 2 * a.length);
    }

    public void pushReal(double v) {
        if (realTop == reals.length) {
            reals = Arrays.copyOf(reals, 2 * reals.length);
        }
        reals[realTop++] = v;
    }

    public double popReal() {
        return reals[--realTop];
    }

    public void pushInt(int v) {
        if (intTop == ints.length) {
            ints = Arrays.copyOf(ints, 2 * ints.length);
        }
        ints[intTop++] = v;
    }

    public int popInt() {
        return ints[--intTop];
    }

    public void pushRef(Object v) {
        if (refTop == refs.length) {
            refs = Arrays.copyOf(refs, 2 * refs.length);
        }
        refs[refTop++] = v;
    }

    public Object popRef() {
        Object v = refs[--refTop];
        refs[refTop] = null;
        return v;
    }
}
