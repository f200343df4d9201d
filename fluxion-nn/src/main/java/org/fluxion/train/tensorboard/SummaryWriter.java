package org.fluxion.train.tensorboard;

import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import javax.imageio.ImageIO;
import org.fluxion.jit.ir.Graph;
import org.fluxion.tensor.Tensor;

/**
 * Writes TensorBoard event files, as PyTorch's {@code torch.utils.tensorboard.SummaryWriter}: scalars,
 * histograms (of parameters, activations...), images (as PNG) and text (markdown; a jit graph as a code
 * block), each under a tag and a step. Run {@code tensorboard --logdir DIR} on the directory.
 *
 * <p>The file is {@code DIR/events.out.tfevents.<seconds>.<host>.<pid>.<n>}: a sequence of
 * {@link TfRecords} each holding one {@code Event} protocol buffer ({@link EventProtos}), the first of
 * which gives the file version. Every call writes and flushes one event, so TensorBoard shows it while
 * training runs. Calls may come from several threads.
 *
 * <pre>{@code
 * try (SummaryWriter writer = new SummaryWriter(Path.of("runs/mnist"))) {
 *     writer.addScalar("loss", 0.42, step);
 *     writer.addHistogram("0.weight", model.parameters().get("0.weight"), epoch);
 * }
 * }</pre>
 */
public final class SummaryWriter implements AutoCloseable {
    /** Buckets of a histogram (TensorBoard shows 30). */
    public static final int HISTOGRAM_BUCKETS = 30;
    private static final AtomicInteger FILES = new AtomicInteger();

    private final Path file;
    private final OutputStream out;
    private final DoubleSupplier wallClock;
    private boolean closed;

    /** A writer of a new event file in {@code logDir} (created if needed). */
    public SummaryWriter(Path logDir) throws IOException {
        this(logDir, () -> System.currentTimeMillis() / 1000.0);
    }

    /**
     * A writer whose events carry the wall time {@code wallClock} gives (seconds since the epoch).
     *
     * @param logDir the run's directory, created if needed
     * @param wallClock seconds since 1970, fractional
     */
    public SummaryWriter(Path logDir, DoubleSupplier wallClock) throws IOException {
        Files.createDirectories(logDir);
        this.wallClock = wallClock;
        double now = wallClock.getAsDouble();
        // TensorBoard finds files by "tfevents" in the name and orders them by it; the pid and a counter
        // keep two writers of one process, or of two processes, from sharing a file.
        String name = String.format(Locale.ROOT, "events.out.tfevents.%010d.%s.%d.%d", (long) now, host(),
                ProcessHandle.current().pid(), FILES.incrementAndGet());
        this.file = logDir.resolve(name);
        this.out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE));
        write(EventProtos.fileVersionEvent(now));
    }

    private static String host() {
        // The environment rather than InetAddress.getLocalHost(), which may wait on a DNS lookup.
        String host = System.getenv("HOSTNAME");
        return host == null || host.isBlank() ? "localhost" : host.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The event file being written. */
    public Path file() {
        return file;
    }

    /** A scalar (stored as float32, as TensorBoard's {@code simple_value}). */
    public void addScalar(String tag, double value, long step) {
        write(step, EventProtos.scalarValue(checkTag(tag), (float) value));
    }

    /**
     * The histogram of a tensor's elements ({@value #HISTOGRAM_BUCKETS} equal-width buckets).
     *
     * @throws IllegalArgumentException naming the tag when the tensor is empty or holds NaN or infinities
     */
    public void addHistogram(String tag, Tensor values, long step) {
        addHistogram(tag, values.detach().toDoubleArray(), step);
    }

    /** The histogram of {@code values}, as {@link #addHistogram(String, Tensor, long)}. */
    public void addHistogram(String tag, double[] values, long step) {
        write(step, EventProtos.histogramValue(checkTag(tag), Histogram.of(tag, values, HISTOGRAM_BUCKETS)));
    }

    /**
     * An image from a tensor {@code [H, W]} (gray) or {@code [C, H, W]} with 1 (gray), 3 (RGB) or 4 (RGBA)
     * channels: floating-point values in {@code [0, 1]}, integers in {@code [0, 255]}; values outside are
     * clipped.
     *
     * @throws IllegalArgumentException naming the tag for another shape, or NaN values
     */
    public void addImage(String tag, Tensor image, long step) {
        addImage(tag, Images.toBufferedImage(checkTag(tag), image), step);
    }

    /** An image (a chart from {@link org.fluxion.train.Plots}, a grid of samples), stored as PNG. */
    public void addImage(String tag, BufferedImage image, long step) {
        checkTag(tag);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException("SummaryWriter: could not encode image '" + tag + "' as PNG", e);
        }
        write(step, EventProtos.imageValue(tag, image.getHeight(), image.getWidth(), Images.colorspace(image),
                png.toByteArray()));
    }

    /** Text, rendered by TensorBoard as markdown, under {@code tag/text_summary} as PyTorch writes it. */
    public void addText(String tag, String markdown, long step) {
        write(step, EventProtos.textValue(checkTag(tag) + "/text_summary", markdown));
    }

    /**
     * A jit graph ({@code Jit.makeGraph(f, example)}, {@code jitted.graph(example)}) as text: its printed
     * equations in a markdown code block, in TensorBoard's Text tab.
     */
    public void addGraph(String tag, Graph graph, long step) {
        // Four spaces make a markdown code block that every markdown renderer knows.
        String code = graph.toString().strip().lines().map(line -> "    " + line)
                .reduce((a, b) -> a + "\n" + b).orElse("");
        addText(tag, code, step);
    }

    /** Pushes what was written to the file (each add does already). */
    public synchronized void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("SummaryWriter: could not write " + file, e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("SummaryWriter: could not close " + file, e);
        }
    }

    private static String checkTag(String tag) {
        if (tag == null || tag.isBlank()) {
            throw new IllegalArgumentException("SummaryWriter: a tag must not be empty");
        }
        return tag;
    }

    private void write(long step, byte[] value) {
        write(EventProtos.summaryEvent(wallClock.getAsDouble(), step, value));
    }

    private synchronized void write(byte[] event) {
        if (closed) {
            throw new IllegalStateException("SummaryWriter: " + file + " is closed");
        }
        try {
            TfRecords.write(out, event);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("SummaryWriter: could not write " + file, e);
        }
    }
}
