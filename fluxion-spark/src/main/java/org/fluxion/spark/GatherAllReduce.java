package org.fluxion.spark;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.apache.spark.BarrierTaskContext;

/**
 * The fallback all-reduce: every worker publishes its buffer through the barrier's {@code allGather} (a message
 * to the driver, which answers everyone with all messages) and adds the K buffers in rank order, so that every
 * worker computes the same bits. It needs no connection between executors, but each worker receives K buffers
 * per step and the driver relays K²: use it for small models or when executors cannot reach each other.
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
        java.util.Arrays.fill(buffer, 0f);
        for (String m : all) {
            var floats = ByteBuffer.wrap(Base64.getDecoder().decode(m)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
            if (floats.remaining() != buffer.length) {
                throw new IllegalStateException("gather all-reduce: a worker sent " + floats.remaining()
                        + " values, this one " + buffer.length + " (do all workers train the same model?)");
            }
            for (int i = 0; i < buffer.length; i++) {
                buffer[i] += floats.get(i);
            }
        }
        nanos += System.nanoTime() - start;
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
