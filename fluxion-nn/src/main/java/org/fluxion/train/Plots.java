package org.fluxion.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.fluxion.tensor.Tensor;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Training plots as PNG files, drawn with XChart (image grids with {@code BufferedImage}). Each
 * method writes atomically (a temporary file, then a rename) and works without a display: this
 * class sets {@code java.awt.headless=true} unless the property is already set. Sizes default to
 * {@link PlotSize#DEFAULT}.
 */
public final class Plots {
    static {
        // Plots are written on servers and in CI where there is no display; an explicit setting wins.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** Cells per side of the prediction grid of {@link #decisionBoundary}. */
    static final int GRID = 120;
    /** Confidence levels shaded in {@link #decisionBoundary}: darker means surer. */
    private static final int LEVELS = 4;

    private Plots() {
    }

    /**
     * Loss curves per epoch: every metric whose name contains "loss" against the left axis, other
     * metrics (accuracy...) against the right one.
     */
    public static void lossCurves(History history, Path path) throws IOException {
        lossCurves(history, path, PlotSize.DEFAULT);
    }

    public static void lossCurves(History history, Path path, PlotSize size) throws IOException {
        XYChart chart = chart(size, "Training history", "epoch", "loss");
        double[] epochs = history.epochNumbers();
        Set<String> metrics = new LinkedHashSet<>();
        double[][] ranges = {{Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY},
            {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}};
        for (String name : history.names()) {
            double[] values = history.series(name);
            if (allNaN(values)) {
                continue;
            }
            XYSeries s = chart.addSeries(name, epochs, values);
            s.setMarker(SeriesMarkers.CIRCLE);
            boolean loss = name.toLowerCase(Locale.ROOT).contains("loss");
            for (double v : values) {
                if (Double.isFinite(v)) {
                    ranges[loss ? 0 : 1][0] = Math.min(ranges[loss ? 0 : 1][0], v);
                    ranges[loss ? 0 : 1][1] = Math.max(ranges[loss ? 0 : 1][1], v);
                }
            }
            if (!loss) {
                s.setYAxisGroup(1);
                s.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                        new float[] {6f, 4f}, 0f));
                metrics.add(name.startsWith("val_") ? name.substring(4) : name);
            }
        }
        if (!metrics.isEmpty()) {
            chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
            // The metric's own name ("accuracy") when train and validation plot the same one.
            chart.setYAxisGroupTitle(1, String.join(", ", metrics));
        }
        for (int group = 0; group < 2; group++) {
            padAxis(chart, group, ranges[group][0], ranges[group][1]);
        }
        if (chart.getSeriesMap().isEmpty()) {
            // XChart cannot draw an empty chart; an empty history still gets a (blank) plot.
            chart.addSeries("no data", new double[] {0}, new double[] {0}).setMarker(SeriesMarkers.NONE);
        }
        chart.getStyler().setXAxisDecimalPattern("#");
        // Below the plot: inside, it would hide the ends of rising accuracy and falling loss curves.
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS)
                .setLegendLayout(Styler.LegendLayout.Horizontal);
        PngFiles.write(chart, path);
    }

    /**
     * Widens axis group {@code group}'s range beyond [lo, hi]. XChart fits the range to the data exactly, so
     * the extreme points sit on the frame, where markers are cut or hidden; and with both axes fitted that
     * way, a loss and a metric at their extremes land on the same pixel (in a one-epoch history, every
     * point does). So the loss axis (group 0) gets 5% of room below and 20% above, the metric axis the
     * other way round.
     */
    private static void padAxis(XYChart chart, int group, double lo, double hi) {
        if (!(lo <= hi)) {
            return; // no finite value in this group
        }
        double span = hi > lo ? hi - lo : Math.max(0.1 * Math.abs(lo), 1e-3);
        chart.getStyler().setYAxisMin(group, lo - (group == 0 ? 0.05 : 0.20) * span);
        chart.getStyler().setYAxisMax(group, hi + (group == 0 ? 0.20 : 0.05) * span);
    }

    /** The ROC curve with its AUC in the legend, and the chance diagonal. */
    public static void roc(double[] fpr, double[] tpr, double auc, Path path) throws IOException {
        roc(fpr, tpr, auc, path, PlotSize.DEFAULT);
    }

    public static void roc(double[] fpr, double[] tpr, double auc, Path path, PlotSize size) throws IOException {
        if (fpr.length != tpr.length || fpr.length == 0) {
            throw new IllegalArgumentException("roc: fpr and tpr need the same non-zero length, got " + fpr.length
                    + " and " + tpr.length);
        }
        XYChart chart = chart(size, "ROC curve", "false positive rate", "true positive rate");
        chart.addSeries(String.format(Locale.ROOT, "ROC (AUC = %.4f)", auc), fpr, tpr).setMarker(SeriesMarkers.NONE);
        // XChart puts a tick at every distinct data value when those values are equally spaced, and a ROC
        // curve's rates are k/P and k/N: ~45 overlapping labels. A point of the diagonal at 1/sqrt(2), which
        // no k/n equals, breaks that spacing, so the axes get XChart's ordinary round ticks.
        double mid = Math.sqrt(0.5);
        XYSeries chance = chart.addSeries("chance", new double[] {0, 1, mid}, new double[] {0, 1, mid});
        chance.setMarker(SeriesMarkers.NONE);
        chance.setLineColor(Color.GRAY);
        chance.setLineStyle(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                new float[] {4f, 4f}, 0f));
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        unitSquare(chart);
        PngFiles.write(chart, path);
    }

    /** {@link #roc(double[], double[], double, Path)} of a computed curve. */
    public static void roc(RocCurve curve, Path path) throws IOException {
        roc(curve.fpr(), curve.tpr(), curve.auc(), path);
    }

    /**
     * A 2-D classifier's decision regions with the data on top. The model is evaluated once on a
     * {@value #GRID} x {@value #GRID} grid covering the points plus a margin; each cell is coloured by
     * its predicted class, paler where the model is less sure.
     *
     * @param predictProba maps points [M, 2] to class probabilities [M, C], or [M] / [M, 1] holding
     *     the probability of class 1 of a binary model
     * @param points [N, 2]
     * @param labels class indices [N]
     */
    public static void decisionBoundary(Function<Tensor, Tensor> predictProba, Tensor points, Tensor labels,
            Path path) throws IOException {
        decisionBoundary(predictProba, points, labels, path, PlotSize.DEFAULT);
    }

    public static void decisionBoundary(Function<Tensor, Tensor> predictProba, Tensor points, Tensor labels,
            Path path, PlotSize size) throws IOException {
        double[][] xy = columns(points, "decisionBoundary");
        int[] classes = Metrics.classLabels(labels, xy[0].length, Integer.MAX_VALUE, "decisionBoundary");
        double[] xRange = paddedRange(xy[0]);
        double[] yRange = paddedRange(xy[1]);
        double[] grid = new double[GRID * GRID * 2];
        for (int r = 0; r < GRID; r++) {
            for (int c = 0; c < GRID; c++) {
                int i = r * GRID + c;
                grid[2 * i] = xRange[0] + (c + 0.5) * (xRange[1] - xRange[0]) / GRID;
                grid[2 * i + 1] = yRange[0] + (r + 0.5) * (yRange[1] - yRange[0]) / GRID;
            }
        }
        Tensor probabilities = predictProba.apply(Tensor.of(grid, GRID * GRID, 2).to(points.dtype()));
        double[][] classAndConfidence = argmaxWithConfidence(probabilities, GRID * GRID);

        XYChart chart = chart(size, "Decision boundary", "x1", "x2");
        // Cells slightly larger than the grid pitch so neighbours overlap instead of leaving gaps.
        double cellWidth = (size.width() - 90.0) / GRID + 1.5;
        double cellHeight = (size.height() - 110.0) / GRID + 1.5;
        Map<Integer, List<double[]>> cells = new LinkedHashMap<>();
        for (int i = 0; i < GRID * GRID; i++) {
            int cls = (int) classAndConfidence[0][i];
            int level = Math.min(LEVELS - 1, (int) (classAndConfidence[1][i] * LEVELS));
            cells.computeIfAbsent(cls * LEVELS + level, k -> new ArrayList<>())
                    .add(new double[] {grid[2 * i], grid[2 * i + 1]});
        }
        cells.forEach((key, list) -> {
            XYSeries s = chart.addSeries("cell " + key, list.stream().mapToDouble(p -> p[0]).toArray(),
                    list.stream().mapToDouble(p -> p[1]).toArray());
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(new CellMarker(cellWidth, cellHeight));
            // Surer cells are more saturated: tint from 0.85 (least sure) to 0.55 (surest).
            s.setMarkerColor(Palette.tint(Palette.color(key / LEVELS), 0.85 - 0.1 * (key % LEVELS)));
            s.setShowInLegend(false);
        });
        addClassScatter(chart, xy, classes);
        chart.getStyler().setXAxisMin(xRange[0]).setXAxisMax(xRange[1]).setYAxisMin(yRange[0]).setYAxisMax(yRange[1]);
        // The grid fills the whole plot area, without XChart's default inner margin.
        chart.getStyler().setPlotGridLinesVisible(false).setPlotContentSize(1.0);
        PngFiles.write(chart, path);
    }

    /** Points [N, 2] coloured by integer class {@code labels} [N], with a legend. */
    public static void scatter(Tensor points, Tensor labels, Path path) throws IOException {
        scatter(points, labels, path, PlotSize.DEFAULT);
    }

    public static void scatter(Tensor points, Tensor labels, Path path, PlotSize size) throws IOException {
        double[][] xy = columns(points, "scatter");
        int[] classes = Metrics.classLabels(labels, xy[0].length, Integer.MAX_VALUE, "scatter");
        XYChart chart = chart(size, "Embedding", "dimension 1", "dimension 2");
        addClassScatter(chart, xy, classes);
        PngFiles.write(chart, path);
    }

    /**
     * Points [N, 2], each annotated with its text label (e.g. words of a 2-D embedding, as in
     * TensorFlow's embedding scatter).
     */
    public static void scatter(Tensor points, String[] labels, Path path) throws IOException {
        scatter(points, labels, path, PlotSize.DEFAULT);
    }

    public static void scatter(Tensor points, String[] labels, Path path, PlotSize size) throws IOException {
        double[][] xy = columns(points, "scatter");
        if (labels.length != xy[0].length) {
            throw new IllegalArgumentException("scatter: " + labels.length + " labels for " + xy[0].length + " points");
        }
        XYChart chart = chart(size, "Embedding", "dimension 1", "dimension 2");
        XYSeries s = chart.addSeries("points", xy[0], xy[1]);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setShowInLegend(false);
        chart.getStyler().setLegendVisible(false);
        double dy = (paddedRange(xy[1])[1] - paddedRange(xy[1])[0]) * 0.02;
        for (int i = 0; i < labels.length; i++) {
            chart.addAnnotation(new AnnotationText(labels[i], xy[0][i], xy[1][i] + dy, false));
        }
        double[] xRange = paddedRange(xy[0]);
        double[] yRange = paddedRange(xy[1]);
        chart.getStyler().setXAxisMin(xRange[0]).setXAxisMax(xRange[1]).setYAxisMin(yRange[0]).setYAxisMax(yRange[1]);
        PngFiles.write(chart, path);
    }

    /**
     * Grayscale images [N, H, W] (or [N, 1, H, W]) with values in [0, 1], tiled {@code columns} per
     * row, each pixel drawn as a 2 x 2 block.
     */
    public static void imageGrid(Tensor images, int columns, Path path) throws IOException {
        imageGrid(images, columns, 2, path);
    }

    /** As {@link #imageGrid(Tensor, int, Path)} with {@code scale} x {@code scale} blocks per pixel. */
    public static void imageGrid(Tensor images, int columns, int scale, Path path) throws IOException {
        PngFiles.write(ImageGrid.render(images, columns, scale), path);
    }

    /**
     * Images with a caption of up to two lines under each ({@code '\n'} between the lines; the second is
     * drawn in orange), e.g. misclassified samples with their true and predicted classes.
     *
     * @param images values in [0, 1], [N, H, W] or [N, 1, H, W]
     * @param captions one per image
     */
    public static void labeledImageGrid(Tensor images, List<String> captions, int columns, int scale, Path path)
            throws IOException {
        PngFiles.write(ImageGrid.render(images, captions, columns, scale), path);
    }

    /**
     * Inputs and their reconstructions (both [N, H, W] in [0, 1]) in alternating rows of
     * {@code columns}: a row of inputs, below it the same images reconstructed.
     */
    public static void reconstructions(Tensor inputs, Tensor reconstructions, int columns, Path path)
            throws IOException {
        imageGrid(ImageGrid.interleave(inputs, reconstructions, columns), columns, path);
    }

    /** Line plot of each {@code ys[i]} against {@code xs}, named "series 0", "series 1"... */
    public static void line(Path path, double[] xs, double[]... ys) throws IOException {
        Map<String, double[]> series = new LinkedHashMap<>();
        for (int i = 0; i < ys.length; i++) {
            series.put("series " + i, ys[i]);
        }
        line(path, "", "x", "y", xs, series, PlotSize.DEFAULT);
    }

    /** Line plot of named series against {@code xs}, each of the same length as {@code xs}. */
    public static void line(Path path, String title, String xLabel, String yLabel, double[] xs,
            Map<String, double[]> series, PlotSize size) throws IOException {
        XYChart chart = chart(size, title, xLabel, yLabel);
        series.forEach((name, ys) -> {
            if (ys.length != xs.length) {
                throw new IllegalArgumentException("line: series '" + name + "' has " + ys.length + " values for "
                        + xs.length + " x values");
            }
            chart.addSeries(name, xs, ys).setMarker(SeriesMarkers.NONE);
        });
        if (series.isEmpty()) {
            throw new IllegalArgumentException("line: no series to plot");
        }
        PngFiles.write(chart, path);
    }

    private static XYChart chart(PlotSize size, String title, String xLabel, String yLabel) {
        XYChart chart = new XYChartBuilder().width(size.width()).height(size.height()).title(title)
                .xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE).setPlotBackgroundColor(Color.WHITE)
                .setSeriesColors(Palette.colors()).setLegendPosition(Styler.LegendPosition.InsideNE)
                .setAntiAlias(true);
        chart.getStyler().setPlotGridLinesColor(new Color(0xe0e0e0)).setMarkerSize(7);
        return chart;
    }

    private static void addClassScatter(XYChart chart, double[][] xy, int[] classes) {
        Map<Integer, List<Integer>> byClass = new java.util.TreeMap<>();
        for (int i = 0; i < classes.length; i++) {
            byClass.computeIfAbsent(classes[i], k -> new ArrayList<>()).add(i);
        }
        byClass.forEach((cls, members) -> {
            XYSeries s = chart.addSeries("class " + cls, members.stream().mapToDouble(i -> xy[0][i]).toArray(),
                    members.stream().mapToDouble(i -> xy[1][i]).toArray());
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(Palette.color(cls).darker());
        });
    }

    private static void unitSquare(XYChart chart) {
        chart.getStyler().setXAxisMin(0.0).setXAxisMax(1.0).setYAxisMin(0.0).setYAxisMax(1.0);
    }

    private static boolean allNaN(double[] values) {
        for (double v : values) {
            if (!Double.isNaN(v)) {
                return false;
            }
        }
        return true;
    }

    /** Columns x and y of points [N, 2]. */
    private static double[][] columns(Tensor points, String op) {
        if (points.rank() != 2 || points.dim(1) != 2) {
            throw new IllegalArgumentException(op + ": expected points [N, 2], got shape " + points.shape());
        }
        if (points.dim(0) == 0) {
            throw new IllegalArgumentException(op + ": no points to plot");
        }
        double[] flat = points.toDoubleArray();
        int n = points.dim(0);
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = flat[2 * i];
            y[i] = flat[2 * i + 1];
        }
        return new double[][] {x, y};
    }

    /** [min, max] widened by 10% of the span on each side (by 1 when all values are equal). */
    private static double[] paddedRange(double[] values) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (Double.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (min > max) {
            return new double[] {-1, 1};
        }
        double margin = max > min ? 0.1 * (max - min) : 1;
        return new double[] {min - margin, max + margin};
    }

    /** Predicted class and its probability per row, from [M, C], [M, 1] or [M] (binary). */
    private static double[][] argmaxWithConfidence(Tensor probabilities, int m) {
        if (probabilities.rank() == 2 && probabilities.dim(1) == 1) {
            probabilities = probabilities.reshape(m);
        }
        if (probabilities.rank() == 1 && probabilities.dim(0) == m) {
            double[] p = probabilities.toDoubleArray();
            double[][] out = new double[2][m];
            for (int i = 0; i < m; i++) {
                out[0][i] = p[i] >= 0.5 ? 1 : 0;
                out[1][i] = confidence(Math.max(p[i], 1 - p[i]), 2);
            }
            return out;
        }
        if (probabilities.rank() != 2 || probabilities.dim(0) != m) {
            throw new IllegalArgumentException("decisionBoundary: predictProba returned shape " + probabilities.shape()
                    + " for " + m + " grid points; expected [" + m + ", C], [" + m + ", 1] or [" + m + "]");
        }
        int c = probabilities.dim(1);
        double[] p = probabilities.toDoubleArray();
        double[][] out = new double[2][m];
        for (int i = 0; i < m; i++) {
            int best = 0;
            for (int j = 1; j < c; j++) {
                if (p[i * c + j] > p[i * c + best]) {
                    best = j;
                }
            }
            out[0][i] = best;
            out[1][i] = confidence(p[i * c + best], c);
        }
        return out;
    }

    /** Maps the top probability from [1/C, 1] onto [0, 1]. */
    private static double confidence(double top, int classes) {
        double floor = 1.0 / classes;
        return Double.isNaN(top) ? 0 : Math.min(1, Math.max(0, (top - floor) / (1 - floor)));
    }
}
