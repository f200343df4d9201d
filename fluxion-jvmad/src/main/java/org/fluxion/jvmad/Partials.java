package org.fluxion.jvmad;

import org.fluxion.jvmad.runtime.Kernels;
import org.fluxion.jvmad.runtime.Tape;

/**
 * The partial derivatives of a plain Java method of real scalars, {@code double f(double a, double b, ...)},
 * by reverse mode. Made by {@link JvmAd#partials}. Thread-safe.
 */
public final class Partials {
    private final Build build;
    /** What each derivative is called in the tape check's message (made once: calls must not build strings). */
    private final String partialsName;
    private final int arity;
    private final Kernels.Partials kernel;

    Partials(Build build) {
        this.build = build;
        this.partialsName = "the partials of " + build.ref().origin();
        this.arity = build.function().params().size();
        this.kernel = build.kernel(Kernels.Partials.class, (e, f) -> e.partials(f));
    }

    /** The partial derivatives at {@code args}, one per parameter. */
    public double[] apply(double... args) {
        double[] grads = new double[arity];
        valueAndPartials(args, grads);
        return grads;
    }

    /** Returns f(args) and writes its partial derivatives into {@code grads}. */
    public double valueAndPartials(double[] args, double[] grads) {
        if (args.length != arity || grads.length != arity) {
            throw new IllegalArgumentException(build.ref().origin() + " takes " + arity + " arguments; got "
                    + args.length + " arguments and room for " + grads.length + " partials");
        }
        Tape tape = Tapes.acquire();
        double y = kernel.apply(args, grads, tape);
        Tapes.release(tape, partialsName);
        return y;
    }
}
