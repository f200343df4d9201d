package org.fluxion.train;

/** Width and height in pixels of a rendered plot. */
public record PlotSize(int width, int height) {
    /** 800 x 600, legible in a README and in an image viewer. */
    public static final PlotSize DEFAULT = new PlotSize(800, 600);

    public PlotSize {
        if (width < 50 || height < 50 || width > 10_000 || height > 10_000) {
            throw new IllegalArgumentException("PlotSize: " + width + " x " + height
                    + " is outside 50..10000 pixels per side");
        }
    }
}
