package org.fluxion.cli;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.fluxion.autodiff.GradMode;
import org.fluxion.data.Batch;
import org.fluxion.data.DataLoader;
import org.fluxion.data.TensorDataset;
import org.fluxion.nn.Activation;
import org.fluxion.nn.Dropout;
import org.fluxion.nn.Embedding;
import org.fluxion.nn.Linear;
import org.fluxion.nn.Losses;
import org.fluxion.nn.Module;
import org.fluxion.nn.Sequential;
import org.fluxion.optim.Adam;
import org.fluxion.optim.GradientClipping;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.train.Metrics;
import org.fluxion.train.PlotSize;
import org.fluxion.train.Plots;
import org.fluxion.train.RocCurve;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Seed 000's DNN classifier recipe (Google's "Intro to sparse data and embeddings"): a 2-D
 * embedding of the 50 informative terms averaged over the words of a review, hidden layers
 * [20, 20] with ReLU and dropout, a sigmoid output on log loss, Adam with gradient clipping by
 * global norm 5.0, training and validation log loss per period, the ROC curve and AUC, and the
 * embedding's scatter plot labelled with the words. The reviews are synthetic: each is a bag of
 * 4-12 terms drawn mostly from the neutral terms, more often from its own sentiment's terms than
 * from the other's.
 */
@Command(name = "tf-dnn", mixinStandardHelpOptions = true, sortOptions = false,
        description = "A DNN classifier [20,20] with dropout, Adam + clipping 5.0, log loss per period, ROC/AUC, 2-D word embedding.")
final class TfDnnExample implements Callable<Integer> {
    /** The seed's 50 informative terms. */
    static final List<String> TERMS = List.of("bad", "great", "best", "worst", "fun", "beautiful", "excellent", "poor",
            "boring", "awful", "terrible", "definitely", "perfect", "liked", "worse", "waste", "entertaining", "loved",
            "unfortunately", "amazing", "enjoyed", "favorite", "horrible", "brilliant", "highly", "simple", "annoying",
            "today", "hilarious", "enjoyable", "dull", "fantastic", "poorly", "fails", "disappointing",
            "disappointment", "not", "him", "her", "good", "time", "?", ".", "!", "movie", "film", "action", "comedy",
            "drama", "family");
    static final List<String> POSITIVE = List.of("great", "best", "fun", "beautiful", "excellent", "perfect", "liked",
            "entertaining", "loved", "amazing", "enjoyed", "favorite", "brilliant", "highly", "hilarious", "enjoyable",
            "fantastic", "good");
    static final List<String> NEGATIVE = List.of("bad", "worst", "poor", "boring", "awful", "terrible", "worse",
            "waste", "unfortunately", "horrible", "annoying", "dull", "poorly", "fails", "disappointing",
            "disappointment", "not");
    static final int MAX_WORDS = 12;

    @Spec
    CommandSpec spec;

    @Mixin
    ExampleOptions options;

    @Option(names = "--train", defaultValue = "2000", description = "training reviews (default: ${DEFAULT-VALUE})")
    int trainSize;

    @Option(names = "--validation", defaultValue = "500", description = "validation reviews (default: ${DEFAULT-VALUE})")
    int validationSize;

    @Option(names = "--steps", defaultValue = "1000", description = "training steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--periods", defaultValue = "10", description = "periods the log loss is reported after (default: ${DEFAULT-VALUE})")
    int periods;

    @Option(names = "--batch-size", defaultValue = "25", description = "reviews per step (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.01", description = "Adam learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--dropout", defaultValue = "0.1", description = "dropout probability after each hidden layer (default: ${DEFAULT-VALUE})")
    double dropout;

    /** Embedding (the last row pads short reviews and is masked out), averaged, then the DNN. */
    static final class ReviewClassifier extends Module {
        final Embedding embedding;
        final Sequential dnn;

        ReviewClassifier(int vocab, double dropout, SplittableRandom rng) {
            embedding = new Embedding(vocab + 1, 2, rng);
            dnn = new Sequential(new Linear(2, 20, rng), Activation.relu(), new Dropout(dropout, rng),
                    new Linear(20, 20, rng), Activation.relu(), new Dropout(dropout, rng), new Linear(20, 1, rng));
        }

        @Override
        protected Map<String, Module> children() {
            return named("embedding", embedding, "dnn", dnn);
        }

        /** Word indices [B, L] (padding = vocab) to logits [B]. */
        @Override
        public Tensor apply(Tensor words) {
            Tensor mask = words.lt(embedding.vocab() - 1).to(DType.FLOAT32).unsqueeze(2);   // [B, L, 1]
            Tensor sum = embedding.apply(words).mul(mask).sum(new int[] {1}, false);         // [B, 2]
            Tensor mean = sum.div(mask.sum(new int[] {1}, false));
            return dnn.apply(mean).reshape(words.dim(0));
        }
    }

    @Override
    public Integer call() throws Exception {
        Cli.check(spec, trainSize >= 10, "--train must be >= 10, got " + trainSize);
        Cli.check(spec, validationSize >= 10, "--validation must be >= 10, got " + validationSize);
        Cli.check(spec, steps >= 1, "--steps must be >= 1, got " + steps);
        Cli.check(spec, periods >= 1 && periods <= steps, "--periods must be in 1..steps, got " + periods);
        Cli.check(spec, batchSize >= 1, "--batch-size must be >= 1, got " + batchSize);
        Cli.positive(spec, "--lr", lr);
        Cli.check(spec, dropout >= 0 && dropout < 1, "--dropout must be in [0, 1), got " + dropout);
        Path dir = options.outputDir("tf-dnn");
        SplittableRandom rng = new SplittableRandom(options.seed);
        TensorDataset train = reviews(trainSize, rng);
        TensorDataset validation = reviews(validationSize, rng);
        System.out.println(Cli.fmt("%d training / %d validation synthetic reviews over %d terms; embedding 2-D, hidden"
                + " [20, 20], dropout %s, Adam lr %s, clip norm 5.0, %d steps of %d in %d periods", trainSize,
                validationSize, TERMS.size(), dropout, lr, steps, batchSize, periods));
        ReviewClassifier model = new ReviewClassifier(TERMS.size(), dropout, rng);
        Adam adam = new Adam(lr);
        DataLoader loader = DataLoader.builder(train).batchSize(batchSize).shuffle(options.seed).dropLast(true).build();
        Iterator<Batch> batches = loader.iterator();
        var parameters = model.parameters();
        double[] periodAxis = new double[periods];
        double[] trainLoss = new double[periods];
        double[] validationLoss = new double[periods];
        double firstLoss = logLoss(model, train);
        System.out.println(Cli.fmt("before training: log loss train %.4f", firstLoss));
        int done = 0;
        for (int period = 0; period < periods; period++) {
            int until = (int) ((long) steps * (period + 1) / periods);
            for (; done < until; done++) {
                if (!batches.hasNext()) {
                    batches = loader.iterator();
                }
                Batch batch = batches.next();
                model.zeroGrad();
                Tensor loss = Losses.binaryCrossEntropyWithLogits(model.apply(batch.features()), batch.labels());
                loss.backward();
                GradientClipping.clipByGlobalNorm(parameters, 5.0);
                adam.step(parameters);
            }
            periodAxis[period] = period + 1;
            trainLoss[period] = logLoss(model, train);
            validationLoss[period] = logLoss(model, validation);
            System.out.println(Cli.fmt("  period %2d: log loss train %.4f validation %.4f", period + 1, trainLoss[period],
                    validationLoss[period]));
        }
        loader.close();
        Tensor probabilities = probabilities(model, validation);
        RocCurve roc = Metrics.rocCurve(probabilities, validation.labels());
        double accuracy = 0;
        double[] p = probabilities.toDoubleArray();
        double[] y = validation.labels().toDoubleArray();
        for (int i = 0; i < p.length; i++) {
            accuracy += (p[i] > 0.5) == (y[i] > 0.5) ? 1 : 0;
        }
        accuracy /= p.length;
        System.out.println(Cli.fmt("validation: AUC %.4f, accuracy %.4f", roc.auc(), accuracy));

        Map<String, double[]> curves = new LinkedHashMap<>();
        curves.put("training", trainLoss);
        curves.put("validation", validationLoss);
        Plots.line(dir.resolve("log_loss.png"), "LogLoss vs. Periods", "period", "log loss", periodAxis, curves,
                PlotSize.DEFAULT);
        Plots.roc(roc, dir.resolve("roc.png"));
        Tensor table = model.embedding.weight().detach().slice(0, 0, TERMS.size());
        Plots.scatter(table, TERMS.toArray(String[]::new), dir.resolve("embedding.png"));
        double separation = separation(table);
        System.out.println(Cli.fmt("embedding: mean positive word vs mean negative word distance %.3f", separation));
        System.out.println("wrote log_loss.png, roc.png and embedding.png to " + dir);
        System.out.println(Cli.fmt("RESULT example=tf-dnn first_loss=%.4f loss=%.4f validation_loss=%.4f auc=%.4f"
                + " accuracy=%.4f", firstLoss, trainLoss[periods - 1], validationLoss[periods - 1], roc.auc(), accuracy));
        return 0;
    }

    /** {@code n} reviews: word indices [n, MAX_WORDS] padded with {@code TERMS.size()}, labels 0/1 [n]. */
    static TensorDataset reviews(int n, SplittableRandom rng) {
        int[] positive = POSITIVE.stream().mapToInt(TERMS::indexOf).toArray();
        int[] negative = NEGATIVE.stream().mapToInt(TERMS::indexOf).toArray();
        int[] neutral = java.util.stream.IntStream.range(0, TERMS.size())
                .filter(i -> !POSITIVE.contains(TERMS.get(i)) && !NEGATIVE.contains(TERMS.get(i))).toArray();
        long[] words = new long[n * MAX_WORDS];
        float[] labels = new float[n];
        java.util.Arrays.fill(words, TERMS.size());
        for (int d = 0; d < n; d++) {
            boolean good = rng.nextBoolean();
            labels[d] = good ? 1 : 0;
            int length = 4 + rng.nextInt(MAX_WORDS - 3);
            for (int w = 0; w < length; w++) {
                double u = rng.nextDouble();
                int[] pool = u < 0.25 ? (good ? positive : negative) : u < 0.35 ? (good ? negative : positive) : neutral;
                words[d * MAX_WORDS + w] = pool[rng.nextInt(pool.length)];
            }
        }
        return new TensorDataset(Tensor.of(words, n, MAX_WORDS), Tensor.of(labels, n));
    }

    private static Tensor probabilities(ReviewClassifier model, TensorDataset data) {
        model.eval();
        try (var noGrad = GradMode.noGrad()) {
            return model.apply(data.features()).sigmoid();
        } finally {
            model.train();
        }
    }

    private static double logLoss(ReviewClassifier model, TensorDataset data) {
        return Metrics.logLoss(probabilities(model, data), data.labels());
    }

    /** Distance between the centroids of the positive and the negative words' embeddings. */
    private static double separation(Tensor table) {
        double[] t = table.toDoubleArray();
        double[] pos = new double[2];
        double[] neg = new double[2];
        for (String w : POSITIVE) {
            int i = TERMS.indexOf(w);
            pos[0] += t[2 * i] / POSITIVE.size();
            pos[1] += t[2 * i + 1] / POSITIVE.size();
        }
        for (String w : NEGATIVE) {
            int i = TERMS.indexOf(w);
            neg[0] += t[2 * i] / NEGATIVE.size();
            neg[1] += t[2 * i + 1] / NEGATIVE.size();
        }
        return Math.hypot(pos[0] - neg[0], pos[1] - neg[1]);
    }
}
