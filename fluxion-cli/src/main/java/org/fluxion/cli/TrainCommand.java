package org.fluxion.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.fluxion.autodiff.GradMode;
import org.fluxion.data.Batch;
import org.fluxion.data.DataLoader;
import org.fluxion.data.TrainTest;
import org.fluxion.nn.Losses;
import org.fluxion.nn.Sequential;
import org.fluxion.optim.Optimizer;
import org.fluxion.tensor.Tensor;
import org.fluxion.train.Checkpoint;
import org.fluxion.train.ConfusionMatrix;
import org.fluxion.train.History;
import org.fluxion.train.Plots;
import org.fluxion.train.TerminateOnNaN;
import org.fluxion.train.Trainer;
import org.fluxion.train.tensorboard.TensorBoardLogger;
import org.fluxion.optim.LearningRateSchedule;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fluxion train}: the main job. Trains an image classifier on Fashion-MNIST (or the bundled
 * glyphs when it is absent), validating on the test set after every epoch, and writes the
 * checkpoint, history and plots under {@code --out}. The last line of stdout is the RESULT line.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train the CNN (or an MLP) on Fashion-MNIST, or on the bundled glyph images when "
                + "Fashion-MNIST is absent; validate on the test set after every epoch; write the checkpoint, "
                + "history and plots under --out.",
                "The last line printed is: RESULT test_accuracy=<x> test_loss=<y> epochs=<n> seconds=<s>",
                "Training stops at the first batch whose loss is NaN or infinite, with exit code 3."})
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "mlp|cnn", defaultValue = "cnn",
            description = "cnn: conv3x3x32-pool-conv3x3x64-pool-dense128-dense10; mlp: 784-128-10 (default: ${DEFAULT-VALUE})")
    Models.Kind model;

    @Option(names = "--epochs", defaultValue = "3", description = "passes over the training set (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "64", description = "samples per step (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--lr", defaultValue = "1e-3", description = "learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "adam",
            description = "one of ${COMPLETION-CANDIDATES}; sgd uses momentum 0.9 (default: ${DEFAULT-VALUE})")
    Models.OptimizerKind optimizer;

    /** How the learning rate moves over the run. */
    enum Schedule { constant, cosine }

    @Option(names = "--schedule", paramLabel = "constant|cosine", defaultValue = "cosine",
            description = "learning-rate schedule: constant, or cosine decay from --lr to 0 over all steps"
                    + " (default: ${DEFAULT-VALUE})")
    Schedule schedule;

    @Option(names = "--seed", defaultValue = "0", description = "seed of initialization and shuffling (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--threads", description = "worker threads for kernels, 1 to 4 per core (at least 256 allowed)"
            + " (default: all cores)")
    Integer threads;

    @Option(names = "--data", paramLabel = "DIR",
            description = "directory with the four Fashion-MNIST IDX files, raw or .gz (default: "
                    + "/usr/share/datasets/fashion-mnist, else the bundled glyphs)")
    Path data;

    @Option(names = "--dataset", paramLabel = "NAME", defaultValue = "auto",
            description = "auto (Fashion-MNIST if found, else glyphs), fashion (required) or glyphs (default: ${DEFAULT-VALUE})")
    ImageData.Source dataset;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "use only the first N training and test samples; 0: all (default: ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--out", paramLabel = "DIR", description = "output directory (default: runs/<timestamp>)")
    Path out;

    @Option(names = "--no-progress", negatable = false, description = "no progress bar on stderr")
    boolean noProgress;

    @Option(names = "--tensorboard", paramLabel = "DIR",
            description = "also write TensorBoard event files to DIR/train and DIR/validation: loss and accuracy per"
                    + " epoch, parameter histograms, the model and its jit graph, misclassified images"
                    + " (view with: tensorboard --logdir DIR)")
    Path tensorboard;

    @Override
    public Integer call() throws IOException {
        Cli.atLeast(spec, "--epochs", epochs, 1);
        Cli.atLeast(spec, "--batch-size", batchSize, 1);
        Cli.positive(spec, "--lr", lr);
        Cli.atLeast(spec, "--limit", limit, 0);
        Cli.threads(spec, threads);
        long start = System.nanoTime();
        // The output directory first: a run that cannot write its results fails before loading data.
        Path dir = Cli.outputPath(out, "train");
        boolean existed = Files.exists(dir);
        Cli.createOutputDir(spec, dir);
        boolean finished = false;
        try {
            int code = train(dir, start);
            finished = code == 0;
            return code;
        } finally {
            if (!finished && !existed) {
                Cli.deleteIfEmpty(dir);
            }
        }
    }

    /** Loads the data, trains, evaluates and writes the results to {@code dir}; returns the exit code. */
    private int train(Path dir, long start) throws IOException {
        TrainTest raw = ImageData.load(spec, dataset, data, limit, seed);
        TrainTest set = ImageData.standardized(raw);
        System.out.println("training " + model + " on " + set.description());
        String settings = Cli.fmt("%d train / %d test samples; validation = the test set; %s, lr %s, batch %d,"
                + " %s schedule, %d epoch(s); output in %s", set.train().size(), set.test().size(), optimizer, lr, batchSize,
                schedule, epochs, dir);
        System.out.println(settings);

        Sequential net = Models.create(model, new SplittableRandom(seed));
        Tensor example = set.train().features().indexSelect(0, Tensor.of(new long[] {0}, 1));
        try (TensorBoardLogger board = tensorboard == null ? null
                : TrainBoard.open(tensorboard, net, "training " + model + " on " + set.description() + "; " + settings,
                        example)) {
            return train(dir, start, raw, set, net, board);
        }
    }

    /** Trains {@code net}, evaluates it and writes the results; {@code board} may be null. */
    private int train(Path dir, long start, TrainTest raw, TrainTest set, Sequential net, TensorBoardLogger board)
            throws IOException {
        Optimizer opt = Models.optimizer(optimizer, lr);
        DataLoader trainLoader = DataLoader.builder(set.train()).batchSize(batchSize).shuffle(seed).prefetch(2).build();
        DataLoader testLoader = DataLoader.builder(set.test()).batchSize(1000).build();
        TerminateOnNaN terminate = new TerminateOnNaN();
        Trainer trainer = new Trainer(net, opt, Losses::crossEntropy).progress(!noProgress).callbacks(terminate);
        if (board != null) {
            trainer.callbacks(board);
        }
        if (schedule == Schedule.cosine) {
            trainer.schedule(LearningRateSchedule.cosine(lr, (long) epochs * trainLoader.batchCount(), 0));
        }
        History history = trainer.fit(trainLoader, testLoader, epochs);
        trainLoader.close();
        if (terminate.terminated()) {
            spec.commandLine().getErr().println("fluxion: " + terminate.message() + " (learning rate " + lr
                    + "; try a smaller --lr); nothing written");
            spec.commandLine().getErr().flush();
            return Cli.EXIT_DIVERGED;
        }

        Evaluation test = evaluate(net, testLoader, set.classes().size());
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("model", model.name());
        metadata.put("optimizer", optimizer.name());
        metadata.put("epochs", Integer.toString(history.size()));
        metadata.put("data", set.description());
        metadata.put("test_accuracy", Double.toString(test.matrix.accuracy()));
        Checkpoint.save(dir.resolve("checkpoint.safetensors"), net.parameters(), opt.state(), metadata);
        history.writeCsv(dir.resolve("history.csv"));
        Plots.lossCurves(history, dir.resolve("history.png"));
        writeConfusion(dir.resolve("confusion_matrix.csv"), test.matrix, set.classes());
        if (!test.wrong.isEmpty()) {
            int k = Math.min(40, test.wrong.size());
            long[] idx = new long[k];
            List<String> captions = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                Mistake m = test.wrong.get(i);
                idx[i] = m.index();
                captions.add(set.classes().get(m.label()) + "\n" + set.classes().get(m.predicted()));
            }
            // The pixels as loaded (in [0, 1]), not standardized: standardized pixels render burned white.
            Tensor images = raw.test().features().indexSelect(0, Tensor.of(idx, k)).reshape(k, 28, 28);
            Plots.labeledImageGrid(images, captions, 10, 3, dir.resolve("misclassified.png"));
            if (board != null) {
                TrainBoard.addPicture(board, "misclassified", dir.resolve("misclassified.png"), history.size());
            }
        }
        StringBuilder perClass = new StringBuilder("test recall per class:");
        for (int c = 0; c < set.classes().size(); c++) {
            perClass.append(Cli.fmt(" %s %.3f%s", set.classes().get(c), test.matrix.recall(c),
                    c + 1 < set.classes().size() ? "," : ""));
        }
        System.out.println(perClass);
        System.out.println("wrote checkpoint.safetensors, history.csv, history.png, confusion_matrix.csv"
                + (test.wrong.isEmpty() ? "" : ", misclassified.png") + " to " + dir
                + (board == null ? "" : "; TensorBoard event files to " + tensorboard));
        System.out.println(Cli.fmt("RESULT test_accuracy=%.4f test_loss=%.4f epochs=%d seconds=%.1f",
                test.matrix.accuracy(), test.loss, history.size(), Cli.secondsSince(start)));
        return 0;
    }

    private record Evaluation(double loss, ConfusionMatrix matrix, List<Mistake> wrong) {
    }

    /** A misclassified test sample: its index in the test set, true and predicted class. */
    private record Mistake(int index, int label, int predicted) {
    }

    /** Test loss, confusion matrix and the indices of misclassified test samples, in one pass. */
    private static Evaluation evaluate(Sequential net, DataLoader loader, int classes) {
        net.eval();
        ConfusionMatrix matrix = new ConfusionMatrix(classes);
        List<Mistake> wrong = new ArrayList<>();
        double lossSum = 0;
        int seen = 0;
        try (var noGrad = GradMode.noGrad()) {
            for (Batch batch : loader) {
                Tensor scores = net.apply(batch.features());
                int n = batch.size();
                lossSum += Losses.crossEntropy(scores, batch.labels()).item() * n;
                long[] predicted = scores.argmax(1, false).toLongArray();
                long[] labels = batch.labels().toLongArray();
                matrix.add(scores, batch.labels());
                for (int i = 0; i < n; i++) {
                    if (predicted[i] != labels[i]) {
                        wrong.add(new Mistake(seen + i, (int) labels[i], (int) predicted[i]));
                    }
                }
                seen += n;
            }
        }
        net.train();
        return new Evaluation(lossSum / seen, matrix, wrong);
    }

    /** The confusion matrix with class names as the first row and column (RFC 4180: names are quoted as needed). */
    private static void writeConfusion(Path path, ConfusionMatrix matrix, List<String> classes) throws IOException {
        long[][] counts = matrix.counts();
        try (CSVPrinter csv = new CSVPrinter(Files.newBufferedWriter(path, StandardCharsets.UTF_8),
                CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get())) {
            List<String> header = new ArrayList<>(List.of("true\\predicted"));
            header.addAll(classes);
            csv.printRecord(header);
            for (int r = 0; r < counts.length; r++) {
                List<Object> row = new ArrayList<>(List.of(classes.get(r)));
                for (long v : counts[r]) {
                    row.add(v);
                }
                csv.printRecord(row);
            }
        }
    }
}
