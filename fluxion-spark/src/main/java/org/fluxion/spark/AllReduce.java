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
}
