package org.fluxion.jvmad;

/**
 * A memory budget for reverse mode: binomial checkpointing (Griewank and Walther's revolve) of the
 * outermost loops of the differentiated method, instead of recording every iteration. Each such
 * loop keeps at most {@code snapshots} copies of its state (the arrays its iterations write) besides
 * the one taken on entry and one of the state it ends with, plus the records of a single iteration;
 * the price is running iterations again, at most {@code r + 1} times each where {@code r} is the
 * least number with {@code C(snapshots + r, snapshots) >= iterations} (r = 10 for 10^5 iterations and
 * 10 snapshots). Gradients are the same, bit for bit, as without a budget.
 *
 * <p>A loop is checkpointed when it has one entry and one back edge and carries from one iteration
 * to the next only scalars and arrays written in place (breaks and returns inside are fine); others are
 * recorded as without a budget, and a method with no such loop is refused when the gradient is built.
 *
 * @param snapshots copies of a loop's state kept besides the entry's, at least 1
 */
public record Checkpointing(int snapshots) {
    public Checkpointing {
        if (snapshots < 1) {
            throw new IllegalArgumentException("checkpointing needs at least 1 snapshot, got " + snapshots);
        }
    }

    /** At most {@code snapshots} copies of each checkpointed loop's state. */
    public static Checkpointing snapshots(int snapshots) {
        return new Checkpointing(snapshots);
    }
}
