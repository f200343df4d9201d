package org.fluxion.train.tensorboard;

import static org.fluxion.train.tensorboard.TensorBoardSchema.get;
import static org.fluxion.train.tensorboard.TensorBoardSchema.has;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Message;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.fluxion.jit.Jit;
import org.fluxion.jit.ir.Graph;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 item 9: event files read back through the TFRecord framing (CRCs checked) and parsed against
 * TensorBoard's message definitions ({@link TensorBoardSchema}), field by field.
 */
class SummaryWriterTest {
    @TempDir
    Path dir;

    private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

    private SummaryWriter writer() throws IOException {
        return new SummaryWriter(dir, () -> millis.getAndAdd(250) / 1000.0);
    }

    /** Every event of the writer's file, parsed. */
    static List<DynamicMessage> events(Path file) throws IOException {
        List<DynamicMessage> events = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (byte[] record : TfRecords.readAll(in, file.toString())) {
                events.add(TensorBoardSchema.parseEvent(record));
            }
        }
        return events;
    }

    /** The single value of a summary event. */
    static Message value(DynamicMessage event) {
        Message summary = (Message) get(event, "summary");
        @SuppressWarnings("unchecked")
        List<Message> values = (List<Message>) get(summary, "value");
        assertEquals(1, values.size());
        return values.getFirst();
    }

    @Test
    void fileStartsWithItsVersionAndScalarsCarryTagStepAndTime() throws IOException {
        Path file;
        try (SummaryWriter w = writer()) {
            file = w.file();
            w.addScalar("loss", 0.5, 1);
            w.addScalar("loss", 0.0, 2);
            w.addScalar("lr", 1e-3, 0);
        }
        assertTrue(file.getFileName().toString().startsWith("events.out.tfevents.1700000000."), file.toString());
        List<DynamicMessage> events = events(file);
        assertEquals(4, events.size());
        assertEquals("brain.Event:2", get(events.get(0), "file_version"));
        assertEquals(1_700_000_000.0, (double) get(events.get(0), "wall_time"));
        assertEquals(1L, get(events.get(1), "step"));
        assertEquals(1_700_000_000.25, (double) get(events.get(1), "wall_time"));
        assertEquals("loss", get(value(events.get(1)), "tag"));
        assertEquals(0.5f, (float) get(value(events.get(1)), "simple_value"));
        assertTrue(has(value(events.get(2)), "simple_value"), "a scalar 0 is still a scalar (oneof set)");
        assertEquals(0L, get(events.get(3), "step"));
        assertEquals(1e-3f, (float) get(value(events.get(3)), "simple_value"));
    }

    @Test
    void histogramsHoldTheStatisticsAndTheBuckets() throws IOException {
        double[] values = new double[1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.sin(i) * 3 + 0.5; // in [-2.5, 3.5], away from the edges but the extremes
        }
        Path file;
        try (SummaryWriter w = writer()) {
            file = w.file();
            w.addHistogram("0.weight", Tensor.of(values, 10, 100), 3);
            w.addHistogram("constant", new double[] {2, 2, 2}, 3);
        }
        Message histo = (Message) get(value(events(file).get(1)), "histo");
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0, squares = 0;
        for (double v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
            squares += v * v;
        }
        assertEquals(min, (double) get(histo, "min"));
        assertEquals(max, (double) get(histo, "max"));
        assertEquals(1000.0, (double) get(histo, "num"));
        assertEquals(sum, (double) get(histo, "sum"), 1e-9);
        assertEquals(squares, (double) get(histo, "sum_squares"), 1e-9);
        @SuppressWarnings("unchecked")
        List<Double> limits = (List<Double>) get(histo, "bucket_limit");
        @SuppressWarnings("unchecked")
        List<Double> counts = (List<Double>) get(histo, "bucket");
        assertEquals(SummaryWriter.HISTOGRAM_BUCKETS, limits.size());
        assertEquals(max, limits.getLast());
        double width = (max - min) / 30;
        for (int b = 0; b < 30; b++) {
            double lo = min + b * width, hi = min + (b + 1) * width;
            long expected = 0;
            for (double v : values) {
                expected += v >= lo && (v < hi || b == 29) ? 1 : 0;
            }
            assertEquals(expected, counts.get(b), 0.0, "bucket " + b);
            assertEquals(hi, limits.get(b), 1e-12);
        }

        Message constant = (Message) get(value(events(file).get(2)), "histo");
        assertEquals(List.of(2.0), get(constant, "bucket_limit"));
        assertEquals(List.of(3.0), get(constant, "bucket"));
    }

    @Test
    void imagesArePngsOfTheTensorsPixels() throws IOException {
        Tensor gray = Tensor.of(new double[] {0, 0.5, 1, 0.25, 2, -1}, 2, 3); // clipped to [0, 1]
        Tensor rgb = Tensor.zeros(DType.FLOAT64, 3, 2, 2).add(Tensor.of(new double[] {1, 0, 0.5}, 3, 1, 1));
        Path file;
        try (SummaryWriter w = writer()) {
            file = w.file();
            w.addImage("gray", gray, 1);
            w.addImage("rgb", rgb, 1);
        }
        Message grayImage = (Message) get(value(events(file).get(1)), "image");
        assertEquals(2, get(grayImage, "height"));
        assertEquals(3, get(grayImage, "width"));
        assertEquals(1, get(grayImage, "colorspace"));
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(((ByteString) get(grayImage, "encoded_image_string"))
                .toByteArray()));
        int[] pixels = png.getRaster().getPixels(0, 0, 3, 2, (int[]) null);
        assertArrayEquals(new int[] {0, 128, 255, 64, 255, 0}, pixels);

        Message rgbImage = (Message) get(value(events(file).get(2)), "image");
        assertEquals(3, get(rgbImage, "colorspace"));
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(((ByteString) get(rgbImage, "encoded_image_string"))
                .toByteArray()));
        assertEquals(0xFF0080, decoded.getRGB(1, 1) & 0xFFFFFF);
    }

    @Test
    void textAndJitGraphsAsTheTextPluginReadsThem() throws IOException {
        Function<Tensor, Tensor> f = x -> x.mul(x).sum();
        Graph graph = Jit.makeGraph(f, Tensor.zeros(3));
        Path file;
        try (SummaryWriter w = writer()) {
            file = w.file();
            w.addText("notes", "**bold** é", 5);
            w.addGraph("loss_graph", graph, 0);
        }
        Message text = value(events(file).get(1));
        assertEquals("notes/text_summary", get(text, "tag"));
        Message plugin = (Message) get((Message) get(text, "metadata"), "plugin_data");
        assertEquals("text", get(plugin, "plugin_name"));
        Message tensor = (Message) get(text, "tensor");
        assertEquals("DT_STRING", ((EnumValueDescriptor) get(tensor, "dtype")).getName());
        @SuppressWarnings("unchecked")
        List<Message> dims = (List<Message>) get((Message) get(tensor, "tensor_shape"), "dim");
        assertEquals(1L, get(dims.getFirst(), "size"));
        assertEquals(List.of(ByteString.copyFrom("**bold** é", StandardCharsets.UTF_8)), get(tensor, "string_val"));

        Message graphText = value(events(file).get(2));
        @SuppressWarnings("unchecked")
        String code = ((List<ByteString>) get((Message) get(graphText, "tensor"), "string_val")).getFirst()
                .toStringUtf8();
        List<String> lines = graph.toString().strip().lines().toList();
        assertEquals(lines.size(), code.lines().count());
        assertTrue(lines.size() >= 2, graph.toString());
        for (String line : code.lines().toList()) {
            assertTrue(line.startsWith("    ") && lines.contains(line.substring(4)), line);
        }
    }

    @Test
    void clearErrors() throws IOException {
        try (SummaryWriter w = writer()) {
            IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                    () -> w.addHistogram("1.bias", new double[] {1, Double.NaN, Double.POSITIVE_INFINITY}, 0));
            assertEquals("histogram '1.bias': 2 of 3 values are NaN or infinite", nan.getMessage());
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                    () -> w.addImage("img", Tensor.zeros(2, 2, 2), 0));
            assertTrue(shape.getMessage().contains("image 'img'") && shape.getMessage().contains("[2, 2, 2]"),
                    shape.getMessage());
            assertThrows(IllegalArgumentException.class, () -> w.addScalar(" ", 1, 0));
            w.close();
            IllegalStateException closed = assertThrows(IllegalStateException.class, () -> w.addScalar("x", 1, 0));
            assertTrue(closed.getMessage().contains("is closed"), closed.getMessage());
        }
    }

    @Test
    void twoWritersOfOneDirectoryWriteTwoFiles() throws IOException {
        try (SummaryWriter a = writer(); SummaryWriter b = writer()) {
            assertTrue(!a.file().equals(b.file()));
        }
    }
}
