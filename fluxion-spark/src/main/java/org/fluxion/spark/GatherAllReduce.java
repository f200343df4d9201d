package org.fluxion.spark;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.apache.spark.BarrierTaskContext;

/**
 * The fallback all-reduce: every worker publishes its buffer through the barrier's {@code allGather} (a message
 * to the driver, which answers everyone with all messages) and adds the K buffers in rank order
 * ({@link #sumInRankOrder}), so that every worker computes the same bits. It needs no connection between
 * executors, but each worker receives K buffers per step and the driver relays K², and each sum waits up to a
 * second (a task of a barrier stage looks for the driver's answer once a second: {@code Thread.sleep(1000)} in
 * Spark's {@code BarrierTaskContext.runBarrier}, a literal in Spark 4.2.0 that no setting changes, and the answer
 * is never there at the first look): use it for small models or when executors cannot reach each other. That
 * second is why the ring, which needs the barrier only once to exchange addresses, is the default.
 */
public final class GatherAllReduce implements AllReduce {
    private final BarrierTaskContext context;
    private long bytesSent;
    private long nanos;

    /** The all-reduce of the barrier stage of {@code context}. */
    public GatherAllReduce(BarrierTaskContext context) {
        this.context = context;
    }

    @Override
    public void sum(float[] buffer) {
        long start = System.nanoTime();
        ByteBuffer bytes = ByteBuffer.allocate(buffer.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(buffer);
        String message = Base64.getEncoder().encodeToString(bytes.array());
        bytesSent += message.length();
        String[] all = context.allGather(message);
        float[][] buffers = new float[all.length][];
        for (int r = 0; r < all.length; r++) {
            var floats = ByteBuffer.wrap(Base64.getDecoder().decode(all[r])).order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer();
            if (floats.remaining() != buffer.length) {
                throw new IllegalStateException("gather all-reduce: worker " + r + " sent " + floats.remaining()
                        + " values, this one " + buffer.length + " (do all workers train the same model?)");
            }
            buffers[r] = new float[buffer.length];
            floats.get(buffers[r]);
        }
        System.arraycopy(sumInRankOrder(buffers), 0, buffer, 0, buffer.length);
        nanos += System.nanoTime() - start;
    }

    /**
     * The sum {@link #sum} computes of {@code buffers} (index: rank), in one process: {@code ((b[0] + b[1]) +
     * b[2]) + ...} for every element. (Starting from {@code b[0]}, not from zero, keeps a {@code -0.0} of one
     * worker: with one worker the sum is its buffer, bit for bit.)
     */
    public static float[] sumInRankOrder(float[][] buffers) {
        int n = AllReduce.commonLength(buffers);
        float[] sum = buffers[0].clone();
        for (int r = 1; r < buffers.length; r++) {
            for (int i = 0; i < n; i++) {
                sum[i] += buffers[r][i];
            }
        }
        return sum;
    }

    @Override
    public long bytesSent() {
        return bytesSent;
    }

    @Override
    public long nanos() {
        return nanos;
    }

    @Override
    public void close() {
        // nothing held: the barrier's messages go through Spark's own RPC
    }
}
