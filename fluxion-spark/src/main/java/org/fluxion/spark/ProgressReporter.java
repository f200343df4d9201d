package org.fluxion.spark;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A worker's side of the progress channel: one line per event to the driver's {@link ProgressServer}. Progress
 * is best effort: a driver that cannot be reached, or goes away, never fails training (the lines are dropped).
 * Lines are sent at most every {@value #FLUSH_MILLIS} ms (and at the end): a write per step cost 4 to 7 ms of
 * every MLP step of 3 to 60 ms on a loaded 2-core machine (the write wakes the driver's reader thread, which the
 * scheduler may run in the writer's place), as much as the step's own compute.
 */
final class ProgressReporter implements AutoCloseable {
    static final long FLUSH_MILLIS = 100;
    private final Socket socket;
    private final PrintWriter out;
    private long lastFlush = System.nanoTime();

    /** Connects to {@code address} ({@code host:port}); null or unreachable: reports nothing. */
    ProgressReporter(String address) {
        Socket s = null;
        PrintWriter w = null;
        if (address != null) {
            try {
                int colon = address.lastIndexOf(':');
                s = new Socket();
                s.connect(new InetSocketAddress(address.substring(0, colon),
                        Integer.parseInt(address.substring(colon + 1))), 10_000);
                w = new PrintWriter(new BufferedWriter(new OutputStreamWriter(s.getOutputStream(),
                        StandardCharsets.UTF_8), 1 << 16), false);
            } catch (IOException e) {
                System.err.println("fluxion-spark: no progress reports (cannot reach the driver at " + address + ": "
                        + e.getMessage() + ")");
                s = null;
            }
        }
        this.socket = s;
        this.out = w;
    }

    /** Sends {@code String.format(Locale.ROOT, format, args)} as one line, with the lines before it. */
    void send(String format, Object... args) {
        if (out != null) {
            out.println(String.format(Locale.ROOT, format, args));
            long now = System.nanoTime();
            if (now - lastFlush >= FLUSH_MILLIS * 1_000_000) {
                out.flush();
                lastFlush = now;
            }
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                out.flush();
                socket.close();
            } catch (IOException ignored) {
                // best effort, as every report
            }
        }
    }
}
