package org.fluxion.spark;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The driver's end of the progress channel: listens on the driver's address, reads the workers' lines
 * ({@link ProgressReporter}) and hands them to the listeners as events, one at a time.
 */
final class ProgressServer implements AutoCloseable {
    private final ServerSocket server;
    private final List<TrainingListener> listeners;
    private final List<Socket> connections = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    /** Listens on an ephemeral port of {@code host}. */
    ProgressServer(String host, List<TrainingListener> listeners) {
        this.listeners = List.copyOf(listeners);
        try {
            server = new ServerSocket(0, 50, InetAddress.getByName(host));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for progress reports on " + host, e);
        }
        acceptor = Thread.ofPlatform().daemon().name("fluxion-progress-accept").start(this::accept);
    }

    /** {@code host:port} for the workers. */
    String address() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.add(s);
                Thread.ofPlatform().daemon().name("fluxion-progress-read").start(() -> read(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void read(Socket s) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                dispatch(line.split(" "));
            }
        } catch (SocketException e) {
            // a worker killed, or the server closed: its reports end here
        } catch (IOException | RuntimeException e) {
            System.err.println("fluxion-spark: a progress report could not be read: " + e);
        }
    }

    private synchronized void dispatch(String[] f) {
        for (TrainingListener l : listeners) {
            switch (f[0]) {
                case "hello" -> l.onWorkerStart(Integer.parseInt(f[1]), Integer.parseInt(f[2]), Long.parseLong(f[3]),
                        f[4], Long.parseLong(f[5]), Long.parseLong(f[6]));
                case "step" -> l.onStep(Integer.parseInt(f[1]), Long.parseLong(f[2]), Integer.parseInt(f[3]),
                        Double.parseDouble(f[4]), Double.parseDouble(f[5]), Integer.parseInt(f[6]), Long.parseLong(f[7]),
                        Long.parseLong(f[8]), Long.parseLong(f[9]));
                case "epoch" -> l.onEpoch(Integer.parseInt(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                        Double.parseDouble(f[4]), Double.parseDouble(f[5]));
                case "checkpoint" -> l.onCheckpoint(Long.parseLong(f[1]));
                default -> throw new IllegalArgumentException("unknown progress report '" + String.join(" ", f) + "'");
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            for (Socket s : connections) {
                s.close();
            }
        } catch (IOException ignored) {
            // closing
        }
        acceptor.interrupt();
    }
}
