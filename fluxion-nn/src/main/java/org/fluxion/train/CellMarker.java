package org.fluxion.train;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import org.knowm.xchart.style.markers.Marker;

/**
 * A filled rectangle of a fixed size in pixels, whatever the chart's marker size: XChart sizes
 * markers per chart, but a decision-boundary grid needs cells the size of the grid pitch while the
 * data points on top keep their usual markers.
 */
final class CellMarker extends Marker {
    private final double width;
    private final double height;

    CellMarker(double width, double height) {
        this.width = width;
        this.height = height;
    }

    @Override
    public void paint(Graphics2D g, double x, double y, int markerSize) {
        g.fill(new Rectangle2D.Double(x - width / 2, y - height / 2, width, height));
    }
}
