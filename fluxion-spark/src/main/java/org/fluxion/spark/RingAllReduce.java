package org.fluxion.spark;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Ring all-reduce (Baidu's, Horovod's) over TCP between the {@code K} workers of a barrier stage: the buffer is
 * cut into {@code K} chunks; in {@code K - 1} reduce-scatter steps each worker sends one chunk to its successor
 * and adds the chunk received from its predecessor, after which worker {@code r} holds the complete sum of chunk
 * {@code (r + 1) mod K}; {@code K - 1} all-gather steps then pass the complete chunks around the ring. Each worker
 * sends {@code 2 (K - 1) / K} times the buffer's bytes per sum, whatever {@code K}: the traffic per worker does
 * not grow with the cluster. Every chunk is summed once, by one worker, in ring order, and then copied: all
 * workers end with the same bits.
 *
 * <p>Connections: each worker listens on an ephemeral port of its executor's address; the addresses are
 * exchanged by the caller (through the barrier's {@code allGather}); worker {@code r} connects to
 * {@code r + 1} and accepts {@code r - 1}. A peer that dies makes {@link #sum} fail (end of stream, reset, or
 * the read timeout), which fails the task and so the barrier stage.
 */
public final class RingAllReduce implements AllReduce {
    /** A peer silent for this long is taken for dead (the step itself is far shorter). */
    private static final int TIMEOUT_MILLIS = 120_000;

    private final int rank;
    private final int workers;
    private final Socket next;
    private final Socket previous;
    private final OutputStream toNext;
    private final InputStream fromPrevious;
    private final ExecutorService sender;
    private byte[] out = new byte[0];
    private byte[] in = new byte[0];
    private long bytesSent;
    private long nanos;

    /** A worker's listening socket, opened before the addresses are exchanged. */
    public static final class Listener implements AutoCloseable {
        private final ServerSocket server;

        /** Listens on an ephemeral port of {@code host}. */
        public Listener(String host) {
            try {
                server = new ServerSocket();
                server.bind(new InetSocketAddress(host, 0));
                server.setSoTimeout(TIMEOUT_MILLIS);
            } catch (IOException e) {
                throw new UncheckedIOException("ring all-reduce: cannot listen on " + host, e);
            }
        }

        /** {@code host:port} to publish to the other workers. */
        public String address() {
            return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException ignored) {
                // closing a listener that is no longer needed
            }
        }
    }

    /**
     * Connects worker {@code rank} into the ring of {@code addresses} (index: rank, value: what each worker's
     * {@link Listener#address} published); {@code listener} is this worker's own, closed once connected.
     */
    public RingAllReduce(int rank, String[] addresses, Listener listener) {
        this.rank = rank;
        this.workers = addresses.length;
        if (workers < 2) {
            throw new IllegalArgumentException("ring all-reduce needs at least 2 workers, got " + workers);
        }
        String target = addresses[(rank + 1) % workers];
        try (listener) {
            int colon = target.lastIndexOf(':');
            InetSocketAddress to = new InetSocketAddress(target.substring(0, colon),
                    Integer.parseInt(target.substring(colon + 1)));
            // connect first, then accept: the listener's backlog holds the predecessor's connection meanwhile
            next = new Socket();
            next.setTcpNoDelay(true);
            next.connect(to, TIMEOUT_MILLIS);
            next.setSoTimeout(TIMEOUT_MILLIS);
            previous = listener.server.accept();
            previous.setTcpNoDelay(true);
            previous.setSoTimeout(TIMEOUT_MILLIS);
            toNext = new BufferedOutputStream(next.getOutputStream(), 1 << 16);
            fromPrevious = previous.getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException("ring all-reduce: worker " + rank + " of " + workers
                    + " cannot connect to " + target, e);
        }
        this.sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fluxion-allreduce-send-" + rank);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The ring of the barrier stage of {@code context}: listens on this task's executor address, exchanges the
     * addresses with the barrier's {@code allGather}, connects.
     */
    public static RingAllReduce connect(org.apache.spark.BarrierTaskContext context) {
        int rank = context.partitionId();
        String address = context.getTaskInfos()[rank].address();
        int colon = address.lastIndexOf(':');
        Listener listener = new Listener(colon < 0 ? address : address.substring(0, colon));
        return new RingAllReduce(rank, context.allGather(listener.address()), listener);
    }

    @Override
    public void sum(float[] buffer) {
        long start = System.nanoTime();
        int k = workers;
        ensureCapacity((buffer.length + k - 1) / k + 1);
        // reduce-scatter: step s sends chunk (r - s) and adds the received chunk (r - s - 1)
        for (int s = 0; s < k - 1; s++) {
            exchange(buffer, Math.floorMod(rank - s, k), Math.floorMod(rank - s - 1, k), true);
        }
        // all-gather: step s sends the complete chunk (r + 1 - s) and receives the complete chunk (r - s)
        for (int s = 0; s < k - 1; s++) {
            exchange(buffer, Math.floorMod(rank + 1 - s, k), Math.floorMod(rank - s, k), false);
        }
        nanos += System.nanoTime() - start;
    }

    /**
     * The sum {@link #sum} computes of {@code buffers} (index: rank), in one process and without a network: the
     * same additions in the same grouping, so the same bits. Chunk {@code c} is summed in ring order starting at
     * worker {@code c}: {@code ((b[c] + b[c+1]) + b[c+2]) + ... + b[c-1]} (ranks mod K), because its partial sum
     * leaves worker {@code c} untouched at the first reduce-scatter step and gains one worker's values per step.
     * For {@code K = 2} that is every order (float addition commutes); from {@code K = 3} on, chunks differ.
     */
    public static float[] sumInRingOrder(float[][] buffers) {
        int n = AllReduce.commonLength(buffers);
        int k = buffers.length;
        float[] sum = new float[n];
        for (int c = 0; c < k; c++) {
            for (int i = chunkStart(n, c, k); i < chunkStart(n, c + 1, k); i++) {
                float acc = buffers[c][i];
                for (int j = 1; j < k; j++) {
                    acc += buffers[(c + j) % k][i];
                }
                sum[i] = acc;
            }
        }
        return sum;
    }

    /** The first index of chunk {@code c} of a buffer of {@code n} elements cut into {@code k} chunks. */
    private static int chunkStart(int n, int c, int k) {
        return (int) ((long) n * c / k);
    }

    /** Sends chunk {@code send} to the successor while receiving chunk {@code receive} (added, or copied). */
    private void exchange(float[] buffer, int send, int receive, boolean add) {
        int n = buffer.length;
        int sendFrom = chunkStart(n, send, workers);
        int sendBytes = (chunkStart(n, send + 1, workers) - sendFrom) * Float.BYTES;
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(buffer, sendFrom, sendBytes / Float.BYTES);
        // sending and receiving at once: two workers writing a chunk larger than the socket buffers would
        // otherwise wait for each other forever
        Future<?> sent = sender.submit(() -> {
            toNext.write(out, 0, sendBytes);
            toNext.flush();
            return null;
        });
        int receiveFrom = chunkStart(n, receive, workers);
        int count = chunkStart(n, receive + 1, workers) - receiveFrom;
        try {
            int got = fromPrevious.readNBytes(in, 0, count * Float.BYTES);
            if (got < count * Float.BYTES) {
                throw new EOFException("the predecessor closed the connection after " + got + " of "
                        + count * Float.BYTES + " bytes");
            }
            sent.get();
        } catch (IOException e) {
            sent.cancel(true);
            throw new UncheckedIOException("ring all-reduce: worker " + rank + " of " + workers
                    + " lost its predecessor", e);
        } catch (InterruptedException e) {
            sent.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("ring all-reduce: worker " + rank + " interrupted", e);
        } catch (ExecutionException e) {
            throw new UncheckedIOException("ring all-reduce: worker " + rank + " of " + workers
                    + " cannot send to its successor",
                    e.getCause() instanceof IOException io ? io : new IOException(e.getCause()));
        }
        bytesSent += sendBytes;
        FloatBuffer floats = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        if (add) {
            for (int i = 0; i < count; i++) {
                buffer[receiveFrom + i] += floats.get(i);
            }
        } else {
            floats.get(buffer, receiveFrom, count);
        }
    }

    private void ensureCapacity(int floats) {
        if (out.length < floats * Float.BYTES) {
            out = new byte[floats * Float.BYTES];
            in = new byte[floats * Float.BYTES];
        }
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
        sender.shutdownNow();
        try {
            next.close();
            previous.close();
        } catch (IOException ignored) {
            // the stage is over either way
        }
    }
}
