package org.fluxion.train;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import org.fluxion.tensor.Tensor;

/**
 * Tiles grayscale images into one picture. An image, not a chart: pixels are copied, each scaled
 * up by an integer factor (nearest neighbour, so digits stay crisp), with a gap between tiles.
 */
final class ImageGrid {
    static final int GAP = 2;
    private static final int BACKGROUND = 0x404040;

    private ImageGrid() {
    }

    /**
     * @param images values in [0, 1] (clamped), [N, H, W] or [N, 1, H, W]
     * @param columns tiles per row; rows are {@code ceil(N / columns)}
     * @param scale pixels per image pixel, {@code >= 1}
     * @return an image of {@code columns * (W * scale + GAP) + GAP} by {@code rows * (H * scale + GAP) + GAP}
     */
    static BufferedImage render(Tensor images, int columns, int scale) {
        return render(images, List.of(), columns, scale);
    }

    /**
     * As {@link #render(Tensor, int, int)}, with up to two caption lines under each tile: {@code captions}
     * holds one entry per image (or is empty), its lines separated by {@code '\n'}; the first line is drawn
     * in light grey, the second in orange (e.g. the true class, then the predicted one). A caption wider
     * than its tile is cut with an ellipsis.
     */
    static BufferedImage render(Tensor images, List<String> captions, int columns, int scale) {
        if (images.rank() == 4 && images.dim(1) == 1) {
            images = images.squeeze(1);
        }
        if (images.rank() != 3) {
            throw new IllegalArgumentException("imageGrid: expected images [N, H, W] or [N, 1, H, W], got shape "
                    + images.shape());
        }
        if (columns < 1 || scale < 1) {
            throw new IllegalArgumentException("imageGrid: columns and scale must be >= 1, got " + columns + " and "
                    + scale);
        }
        int n = images.dim(0);
        if (!captions.isEmpty() && captions.size() != n) {
            throw new IllegalArgumentException("imageGrid: " + captions.size() + " captions for " + n + " images");
        }
        int h = images.dim(1);
        int w = images.dim(2);
        int rows = Math.max(1, (n + columns - 1) / columns);
        int cellW = w * scale + GAP;
        int captionH = captions.isEmpty() ? 0 : 2 * CAPTION_LINE + 2;
        int cellH = h * scale + captionH + GAP;
        BufferedImage out = new BufferedImage(columns * cellW + GAP, rows * cellH + GAP, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < out.getHeight(); y++) {
            for (int x = 0; x < out.getWidth(); x++) {
                out.setRGB(x, y, BACKGROUND);
            }
        }
        float[] v = images.toFloatArray();
        for (int i = 0; i < n; i++) {
            int left = GAP + (i % columns) * cellW;
            int top = GAP + (i / columns) * cellH;
            for (int r = 0; r < h * scale; r++) {
                for (int c = 0; c < w * scale; c++) {
                    float value = v[(i * h + r / scale) * w + c / scale];
                    // NaN renders black rather than failing: a diverged autoencoder should still be visible.
                    int g = Float.isNaN(value) ? 0 : Math.round(Math.min(Math.max(value, 0f), 1f) * 255f);
                    out.setRGB(left + c, top + r, (g << 16) | (g << 8) | g);
                }
            }
        }
        if (!captions.isEmpty()) {
            drawCaptions(out, captions, columns, w * scale, cellW, cellH, h * scale);
        }
        return out;
    }

    private static final int CAPTION_LINE = 12;
    private static final Color[] CAPTION_COLORS = {new Color(0xE0E0E0), new Color(0xFF9E40)};

    private static void drawCaptions(BufferedImage out, List<String> captions, int columns, int tileW, int cellW,
            int cellH, int imageH) {
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            FontMetrics fm = g.getFontMetrics();
            for (int i = 0; i < captions.size(); i++) {
                int left = GAP + (i % columns) * cellW;
                int top = GAP + (i / columns) * cellH + imageH;
                String[] lines = captions.get(i).split("\n", -1);
                for (int k = 0; k < Math.min(2, lines.length); k++) {
                    String text = fit(lines[k], fm, tileW);
                    g.setColor(CAPTION_COLORS[k]);
                    g.drawString(text, left + (tileW - fm.stringWidth(text)) / 2, top + (k + 1) * CAPTION_LINE);
                }
            }
        } finally {
            g.dispose();
        }
    }

    /** {@code text}, cut and ended with an ellipsis when wider than {@code width} pixels. */
    private static String fit(String text, FontMetrics fm, int width) {
        if (fm.stringWidth(text) <= width) {
            return text;
        }
        String cut = text;
        while (!cut.isEmpty() && fm.stringWidth(cut + "\u2026") > width) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut + "\u2026";
    }

    /** Interleaves rows: {@code columns} inputs, then their {@code columns} reconstructions, and so on. */
    static Tensor interleave(Tensor inputs, Tensor reconstructions, int columns) {
        if (!inputs.shape().equals(reconstructions.shape())) {
            throw new IllegalArgumentException("reconstructions: inputs " + inputs.shape()
                    + " and reconstructions " + reconstructions.shape() + " differ in shape");
        }
        int n = inputs.dim(0);
        java.util.List<Tensor> rows = new java.util.ArrayList<>();
        for (int start = 0; start < n; start += columns) {
            int end = Math.min(n, start + columns);
            rows.add(pad(inputs.slice(0, start, end), columns));
            rows.add(pad(reconstructions.slice(0, start, end), columns));
        }
        return Tensor.concat(0, rows);
    }

    /** Pads a short last row with blank tiles so that inputs and reconstructions stay aligned. */
    private static Tensor pad(Tensor row, int columns) {
        if (row.dim(0) == columns) {
            return row;
        }
        int[] dims = row.dims();
        dims[0] = columns - row.dim(0);
        return Tensor.concat(0, row, Tensor.zeros(row.dtype(), dims));
    }
}
