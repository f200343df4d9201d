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
    // run, writing the tops back before a call and after their last push or pop (see MethodEmitter).
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

    // Generated code grows a full stack through these, which store the new array in the tape's field
    // themselves: the method's local copy of the array then always equals the field, and writing the
    // stacks back before a call or a return stores only the int tops. A reference store into the
    // long-lived tape costs a G1 post-write barrier (a card mark behind a StoreLoad fence) on every call.

    /** Doubles the real stack and returns it. */
    public double[] growReals() {
        reals = Arrays.copyOf(reals, 2 * reals.length);
        return reals;
    }

    /** Doubles the int stack and returns it. */
    public int[] growInts() {
        ints = Arrays.copyOf(ints, 2 * ints.length);
        return ints;
    }

    /** Doubles the reference stack and returns it. */
    public Object[] growRefs() {
        refs = Arrays.copyOf(refs, 2 * refs.length);
        return refs;
    }

    public void pushReal(double v) {
        if (realTop == reals.length) {
            growReals();
        }
        reals[realTop++] = v;
    }

    public double popReal() {
        return reals[--realTop];
    }

    public void pushInt(int v) {
        if (intTop == ints.length) {
            growInts();
        }
        ints[intTop++] = v;
    }

    public int popInt() {
        return ints[--intTop];
    }

    public void pushRef(Object v) {
        if (refTop == refs.length) {
            growRefs();
        }
        refs[refTop++] = v;
    }

    public Object popRef() {
        Object v = refs[--refTop];
        refs[refTop] = null;
        return v;
    }
}
