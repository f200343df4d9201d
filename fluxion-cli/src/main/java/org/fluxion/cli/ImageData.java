package org.fluxion.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.fluxion.data.FashionMnist;
import org.fluxion.data.Glyphs;
import org.fluxion.tensor.Tensor;
import org.fluxion.data.TensorDataset;
import org.fluxion.data.TrainTest;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The 28x28 image data of {@code train}, {@code example autoencoder} and {@code example flux-mnist}:
 * Fashion-MNIST from {@code --data DIR} (an error naming the missing files when it lacks them) or
 * from Debian's location, else the bundled {@link Glyphs} set; images as {@code [N, 1, 28, 28]} in [0, 1].
 */
final class ImageData {
    /** Which data set to use. */
    enum Source { auto, fashion, glyphs }

    /** Glyphs fallback sizes (generated in about a second). */
    static final int GLYPHS_TRAIN = 12_000;
    static final int GLYPHS_TEST = 2_000;

    private ImageData() {
    }

    /**
     * Loads the data; {@code limit > 0} keeps the first {@code limit} training and test samples
     * (fewer test samples if the test set is smaller).
     */
    static TrainTest load(CommandSpec spec, Source source, Path dataDir, int limit, long seed) throws IOException {
        TrainTest data;
        if (source == Source.glyphs) {
            data = glyphs(limit, seed);
        } else if (dataDir != null || source == Source.fashion) {
            if (dataDir != null && Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--data " + dataDir
                        + ": is a file; give the directory holding the four Fashion-MNIST IDX files");
            }
            try {
                data = FashionMnist.require(dataDir);
            } catch (java.nio.file.NoSuchFileException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        (dataDir != null ? "--data " + dataDir : "Fashion-MNIST in " + FashionMnist.DEBIAN_DIR)
                                + ": " + e.getReason());
            }
        } else {
            Optional<TrainTest> found = FashionMnist.load(null);
            data = found.isPresent() ? found.get() : glyphs(limit, seed);
        }
        TensorDataset train = images(data.train(), limit);
        TensorDataset test = images(data.test(), limit);
        String description = data.description() + (limit > 0 ? ", first " + train.size() + " train / "
                + test.size() + " test samples (--limit)" : "");
        return new TrainTest(train, test, data.classes(), description);
    }

    /**
     * The same sets with pixels standardized by the training set's mean and standard deviation (as
     * torchvision's {@code Normalize((0.2860,), (0.3530,))} recipe for Fashion-MNIST): centred inputs
     * train faster. Classifiers use it; the autoencoder keeps pixels in [0, 1] for its sigmoid output.
     */
    static TrainTest standardized(TrainTest data) {
        Tensor pixels = data.train().features();
        double mean = pixels.mean().item();
        double std = Math.sqrt(pixels.variance(new int[0], 0, false).item());
        return new TrainTest(new TensorDataset(pixels.sub(mean).div(std), data.train().labels()),
                new TensorDataset(data.test().features().sub(mean).div(std), data.test().labels()),
                data.classes(), data.description() + ", standardized");
    }

    private static TrainTest glyphs(int limit, long seed) {
        return limit > 0 ? Glyphs.trainTest(limit, Math.min(limit, GLYPHS_TEST), seed)
                : Glyphs.trainTest(GLYPHS_TRAIN, GLYPHS_TEST, seed);
    }

    private static TensorDataset images(TensorDataset d, int limit) {
        int n = limit > 0 ? Math.min(limit, d.size()) : d.size();
        TensorDataset kept = n < d.size() ? d.slice(0, n) : d;
        return new TensorDataset(kept.features().reshape(n, 1, 28, 28), kept.labels());
    }
}
