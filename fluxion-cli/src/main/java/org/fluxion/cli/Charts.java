package org.fluxion.cli;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.fluxion.data.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Scatter points with straight lines over them (a fitted regression line, an SVM's separating line
 * and margins), and panels of phase portraits (a learned trajectory against the true one at several stages
 * of training), which {@link org.fluxion.train.Plots} does not draw; XChart, written atomically.
 */
final class Charts {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Charts() {
    }

    /**
     * @param points series name to {xs, ys}, drawn as markers
     * @param lines series name to {xs, ys}, drawn as lines without markers
     */
    static void scatterWithLines(Path path, String title, String xLabel, String yLabel,
            Map<String, double[][]> points, Map<String, double[][]> lines) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(600).title(title).xAxisTitle(xLabel)
                .yAxisTitle(yLabel).build();
        points.forEach((name, xy) -> {
            XYSeries s = chart.addSeries(name, xy[0], xy[1]);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.CIRCLE);
        });
        lines.forEach((name, xy) -> chart.addSeries(name, xy[0], xy[1]).setMarker(SeriesMarkers.NONE));
        var image = BitmapEncoder.getBufferedImage(chart);
        AtomicFiles.write(path, out -> ImageIO.write(image, "png", out));
    }

    /**
     * One panel per entry of {@code learned} (2 columns), each drawing the true trajectory and that learned one
     * in the phase plane, with the same axes in every panel.
     *
     * @param truth   {xs, ys} of the true trajectory
     * @param learned panel title to {xs, ys} of a learned trajectory
     */
    static void phasePanels(Path path, String title, double[][] truth, Map<String, double[][]> learned)
            throws IOException {
        int columns = 2;
        int rows = (learned.size() + 1) / 2;
        int w = 500;
        int h = 450;
        double[] range = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (double[] c : truth) {
            for (double v : c) {
                range[0] = Math.min(range[0], v);
                range[1] = Math.max(range[1], v);
            }
        }
        double pad = 0.15 * (range[1] - range[0]);
        BufferedImage canvas = new BufferedImage(columns * w, rows * h + 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(g.getFont().deriveFont(18f));
        g.drawString(title, 20, 28);
        int k = 0;
        for (var e : learned.entrySet()) {
            XYChart chart = new XYChartBuilder().width(w).height(h).title(e.getKey()).xAxisTitle("y1")
                    .yAxisTitle("y2").build();
            chart.getStyler().setXAxisMin(range[0] - pad).setXAxisMax(range[1] + pad)
                    .setYAxisMin(range[0] - pad).setYAxisMax(range[1] + pad);
            chart.addSeries("true", truth[0], truth[1]).setMarker(SeriesMarkers.NONE).setLineColor(Color.GRAY);
            double[][] xy = clip(e.getValue(), range[0] - pad, range[1] + pad);
            chart.addSeries("learned", xy[0], xy[1]).setMarker(SeriesMarkers.NONE).setLineColor(new Color(200, 40, 40));
            g.drawImage(BitmapEncoder.getBufferedImage(chart), (k % columns) * w, 40 + (k / columns) * h, null);
            k++;
        }
        g.dispose();
        AtomicFiles.write(path, out -> ImageIO.write(canvas, "png", out));
    }

    /** The trajectory up to where it first leaves the box (an untrained model's may run far out). */
    private static double[][] clip(double[][] xy, double lo, double hi) {
        int n = 0;
        while (n < xy[0].length && xy[0][n] >= lo && xy[0][n] <= hi && xy[1][n] >= lo && xy[1][n] <= hi) {
            n++;
        }
        n = Math.max(n, 1);
        return new double[][] {java.util.Arrays.copyOf(xy[0], n), java.util.Arrays.copyOf(xy[1], n)};
    }
}
