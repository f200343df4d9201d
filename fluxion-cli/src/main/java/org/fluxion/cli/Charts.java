package org.fluxion.cli;

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
 * and margins), which {@link org.fluxion.train.Plots} does not draw; XChart, written atomically.
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
}
