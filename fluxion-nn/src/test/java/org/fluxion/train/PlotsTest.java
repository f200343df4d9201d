package org.fluxion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlotsTest {
    @TempDir
    Path dir;

    /** Set FLUXION_PLOTS_DIR to a directory to keep the PNGs for a look. */
    private Path out(String name) throws IOException {
        String keep = System.getenv("FLUXION_PLOTS_DIR");
        Path base = keep == null ? dir : Files.createDirectories(Path.of(keep));
        return base.resolve(name);
    }

    private static BufferedImage png(Path file, int width, int height) throws IOException {
        assertTrue(Files.size(file) > 0, file + " is empty");
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, file + " is not a readable image");
        if (width > 0) {
            assertEquals(width, image.getWidth());
            assertEquals(height, image.getHeight());
        }
        return image;
    }

    @Test
    void lossCurvesFromAHistory() throws IOException {
        History h = new History();
        for (int e = 0; e < 10; e++) {
            h.record(e, Map.of(History.TRAIN_LOSS, 1.0 / (e + 1), History.VAL_LOSS, 1.2 / (e + 1) + 0.05,
                    History.VAL_ACCURACY, 0.6 + 0.03 * e));
        }
        Path file = out("loss.png");
        Plots.lossCurves(h, file, new PlotSize(640, 480));
        png(file, 640, 480);
        Plots.lossCurves(new History(), out("empty-history.png"));
        png(out("empty-history.png"), 800, 600);
    }

    @Test
    void rocCurve() throws IOException {
        Tensor scores = Tensor.rand(3, 200);
        Tensor labels = scores.add(Tensor.rand(4, 200).mul(0.8)).gt(0.9);
        RocCurve curve = Metrics.rocCurve(scores, labels);
        Path file = out("roc.png");
        Plots.roc(curve, file);
        png(file, 800, 600);
    }

    @Test
    void decisionBoundaryOfAThreeClassModel() throws IOException {
        Tensor points = Tensor.randn(5, 150, 2);
        float[] p = points.toFloatArray();
        long[] labels = new long[150];
        for (int i = 0; i < 150; i++) {
            labels[i] = p[2 * i] > 0.5 ? 2 : p[2 * i + 1] > 0 ? 1 : 0;
        }
        // A soft version of the rule that made the labels: logits per class, then softmax.
        Path file = out("boundary.png");
        Plots.decisionBoundary(x -> {
            Tensor x1 = x.slice(1, 0, 1);
            Tensor x2 = x.slice(1, 1, 2);
            Tensor logits = Tensor.concat(1, x2.neg().mul(3), x2.mul(3), x1.sub(0.5).mul(6));
            return logits.softmax(1);
        }, points, Tensor.of(labels, 150), file, new PlotSize(600, 600));
        png(file, 600, 600);
    }

    @Test
    void decisionBoundaryOfABinaryModelAndABadShape() throws IOException {
        Tensor points = Tensor.randn(6, 40, 2);
        Tensor labels = points.slice(1, 0, 1).reshape(40).gt(0).to(org.fluxion.tensor.DType.INT32);
        Path file = out("boundary-binary.png");
        Plots.decisionBoundary(x -> x.slice(1, 0, 1).mul(4).sigmoid(), points, labels, file);
        png(file, 800, 600);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Plots.decisionBoundary(x -> Tensor.zeros(3), points, labels, dir.resolve("bad.png")));
        assertTrue(e.getMessage().contains("predictProba returned shape [3]"), e.getMessage());
    }

    @Test
    void scatterWithClassesAndWithWords() throws IOException {
        Tensor points = Tensor.randn(7, 60, 2);
        Tensor classes = Tensor.randint(8, 0, 4, 60);
        Path file = out("scatter.png");
        Plots.scatter(points, classes, file);
        png(file, 800, 600);

        String[] words = {"good", "great", "bad", "awful", "movie", "plot"};
        Path words2d = out("embedding.png");
        Plots.scatter(Tensor.randn(9, 6, 2), words, words2d, new PlotSize(500, 400));
        png(words2d, 500, 400);
    }

    @Test
    void imageGridAndReconstructions() throws IOException {
        Tensor images = Tensor.rand(10, 10, 28, 28);
        Path file = out("grid.png");
        Plots.imageGrid(images, 5, file);
        int cell = 28 * 2 + ImageGrid.GAP;
        BufferedImage image = png(file, 5 * cell + ImageGrid.GAP, 2 * cell + ImageGrid.GAP);
        // Pixel (0, 0) of image 0 scaled by 2, at the gap offset.
        int expected = Math.round((float) images.get(0, 0, 0) * 255f);
        assertEquals(expected, image.getRGB(ImageGrid.GAP + 1, ImageGrid.GAP + 1) & 0xff);

        Path pairs = out("reconstructions.png");
        Plots.reconstructions(images.slice(0, 0, 7), images.slice(0, 0, 7).mul(0.5), 4, pairs);
        png(pairs, 4 * cell + ImageGrid.GAP, 4 * cell + ImageGrid.GAP);
    }

    @Test
    void genericLinePlot() throws IOException {
        double[] xs = new double[50];
        double[] a = new double[50];
        double[] b = new double[50];
        for (int i = 0; i < 50; i++) {
            xs[i] = i;
            a[i] = Math.sin(i / 5.0);
            b[i] = Math.cos(i / 5.0);
        }
        Path file = out("line.png");
        Plots.line(file, xs, a, b);
        png(file, 800, 600);
        assertThrows(IllegalArgumentException.class, () -> Plots.line(dir.resolve("x.png"), xs, new double[3]));
    }

    @Test
    void writesAtomicallyLeavingNoTempFiles() throws IOException {
        Plots.line(dir.resolve("a.png"), new double[] {0, 1}, new double[] {1, 0});
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }
}
