package org.fluxion.spark;

/**
 * A sum of equal-length {@code float} buffers over the workers of one barrier stage: after {@link #sum}, every
 * worker's buffer holds the element-wise sum of all workers' buffers, the same bits on every worker (so that
 * replicas applying the same optimizer update stay identical).
 */
public interface AllReduce extends AutoCloseable {
    /** Replaces {@code buffer} by the sum over all workers of their buffers (all of the same length). */
    void sum(float[] buffer);

    /** Bytes this worker has sent so far. */
    long bytesSent();

    /** Nanoseconds this worker has spent in {@link #sum} so far. */
    long nanos();

    @Override
    void close();

    /**
     * The length shared by the workers' {@code buffers} (index: rank) of a sum computed in one process; throws
     * when there are none or their lengths differ.
     */
    static int commonLength(float[][] buffers) {
        if (buffers.length == 0) {
            throw new IllegalArgumentException("all-reduce: no workers' buffers to sum");
        }
        for (int r = 1; r < buffers.length; r++) {
            if (buffers[r].length != buffers[0].length) {
                throw new IllegalArgumentException("all-reduce: worker " + r + "'s buffer has " + buffers[r].length
                        + " values, worker 0's " + buffers[0].length);
            }
        }
        return buffers[0].length;
    }
}
