package org.fluxion.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Locates and loads Fashion-MNIST (Zalando's 28x28 grey-scale clothing images, 60,000 training and
 * 10,000 test samples, 10 classes) from its four IDX files, raw or gzipped.
 *
 * <p>Debian's package {@code dataset-fashion-mnist} installs them as
 * {@code /usr/share/datasets/fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz}; a
 * directory given explicitly (the CLI's {@code --data DIR}) is searched instead of that one.
 * Images load as float32 {@code [N, 28, 28]} in [0, 1], labels as int64 {@code [N]}.
 */
public final class FashionMnist {
    /** Where Debian's {@code dataset-fashion-mnist} puts the files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** Class names in label order. */
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private static final List<String> FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    private FashionMnist() {
    }

    /**
     * The directory holding all four files: {@code dataDir} when given (null: the Debian location),
     * or empty when some file is missing there.
     */
    public static Optional<Path> locate(Path dataDir) {
        Path dir = dataDir != null ? dataDir : DEBIAN_DIR;
        return missing(dir).isEmpty() ? Optional.of(dir) : Optional.empty();
    }

    /**
     * The train and test sets from {@code dataDir}, or, when it is null, from the Debian location if
     * installed there (else empty). A directory given explicitly must hold the four files: a
     * {@link NoSuchFileException} lists those missing (a mistyped path is not "no data").
     */
    public static Optional<TrainTest> load(Path dataDir) throws IOException {
        if (dataDir != null) {
            return Optional.of(require(dataDir));
        }
        Optional<Path> dir = locate(null);
        return dir.isPresent() ? Optional.of(read(dir.get())) : Optional.empty();
    }

    /**
     * The train and test sets from {@code dataDir} (null: the Debian location); a
     * {@link NoSuchFileException} listing the missing files and how to get them when absent.
     */
    public static TrainTest require(Path dataDir) throws IOException {
        Path dir = dataDir != null ? dataDir : DEBIAN_DIR;
        List<String> missing = missing(dir);
        if (!missing.isEmpty()) {
            throw notFound(dir, missing);
        }
        return read(dir);
    }

    private static NoSuchFileException notFound(Path dir, List<String> missing) {
        String files = String.join(", ", missing) + " (raw or .gz)";
        String what = Files.isDirectory(dir) ? "missing " + files : "no such directory (expected " + files + ")";
        return new NoSuchFileException(dir.toString(), null, "Fashion-MNIST not found: " + what
                + "; install it with `apt-get install dataset-fashion-mnist` or pass --data DIR with the four"
                + " IDX files");
    }

    /**
     * Only the 60,000 training images and labels (saves loading the test set); absent and explicit
     * directories as {@link #load}.
     */
    public static Optional<TensorDataset> loadTrain(Path dataDir) throws IOException {
        if (dataDir != null) {
            List<String> missing = missing(dataDir);
            if (!missing.isEmpty()) {
                throw notFound(dataDir, missing);
            }
            return Optional.of(readTrain(dataDir));
        }
        Optional<Path> dir = locate(null);
        return dir.isPresent() ? Optional.of(readTrain(dir.get())) : Optional.empty();
    }

    /**
     * The 60,000 training images as a {@link ByteImageDataset} (their bytes kept, each batch made float32 in
     * [0, 1]; 47 MB instead of the 188 MB of {@link #loadTrain}, batches equal bit for bit); absent and
     * explicit directories as {@link #load}.
     */
    public static Optional<ByteImageDataset> loadTrainBytes(Path dataDir) throws IOException {
        Path dir = dataDir != null ? dataDir : DEBIAN_DIR;
        List<String> missing = missing(dir);
        if (!missing.isEmpty()) {
            if (dataDir == null) {
                return Optional.empty();
            }
            throw notFound(dataDir, missing);
        }
        return Optional.of(IdxReader.readImageDataset(file(dir, FILES.get(0)), file(dir, FILES.get(1)), true));
    }

    private static TensorDataset readTrain(Path dir) throws IOException {
        return new TensorDataset(IdxReader.readImages(file(dir, FILES.get(0)), true),
                IdxReader.readLabels(file(dir, FILES.get(1))));
    }

    private static TrainTest read(Path dir) throws IOException {
        TensorDataset train = readTrain(dir);
        TensorDataset test = new TensorDataset(IdxReader.readImages(file(dir, FILES.get(2)), true),
                IdxReader.readLabels(file(dir, FILES.get(3))));
        return new TrainTest(train, test, CLASSES, "Fashion-MNIST from " + dir);
    }

    private static List<String> missing(Path dir) {
        List<String> missing = new ArrayList<>();
        for (String name : FILES) {
            if (file(dir, name) == null) {
                missing.add(name);
            }
        }
        return missing;
    }

    /** The file {@code name} or {@code name.gz} in {@code dir}, or null. */
    private static Path file(Path dir, String name) {
        for (Path p : List.of(dir.resolve(name + ".gz"), dir.resolve(name))) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
