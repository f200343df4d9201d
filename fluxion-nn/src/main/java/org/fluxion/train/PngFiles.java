package org.fluxion.train;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.fluxion.data.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/** Renders charts and images to PNG files, atomically, without a display. */
final class PngFiles {
    private PngFiles() {
    }

    static void write(Chart<?, ?> chart, Path path) throws IOException {
        write(BitmapEncoder.getBufferedImage(chart), path);
    }

    static void write(BufferedImage image, Path path) throws IOException {
        AtomicFiles.write(path, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer available for " + path);
            }
        });
    }
}
