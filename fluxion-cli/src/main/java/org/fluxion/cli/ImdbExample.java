package org.fluxion.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.fluxion.text.Imdb;
import org.fluxion.text.ReviewCorpus;
import org.fluxion.text.Reviews;
import org.fluxion.text.Vocabulary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Seed 000's review classifier end to end (Google's "Intro to sparse data and embeddings" on the ACL 2011
 * IMDB reviews): the notebook's models one after another on the same reviews ({@link #STEPS}), each
 * reported by {@link ImdbTraining}. Without {@code --data} the reviews are generated
 * ({@link ReviewCorpus}: a Zipfian 30,716-term vocabulary with planted sentiment terms); with it, the real
 * reviews are read from the {@code aclImdb} layout and the vocabulary is their 30,716 most frequent terms.
 * Either vocabulary has {@code <pad>} first (id 0, for padded sequences) and one out-of-vocabulary bucket
 * last.
 */
@Command(name = "imdb", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Seed 000's review classifier: linear, DNN, 2-D embedding and full-vocabulary sparse models, and LSTM and transformer on the term sequences; log loss, AUC, ROC.")
final class ImdbExample implements Callable<Integer> {
    /** The notebook's models, in its order; a further model is one more entry. */
    static final List<ImdbStep> STEPS = List.of(new ImdbLinearStep(), new ImdbDnnStep(), new ImdbEmbeddingStep(),
            new ImdbFullVocabularyStep(), new ImdbLstmStep(), new ImdbTransformerStep());

    /** What every step trains with. */
    record Settings(long seed, int steps, int periods, int batchSize, double learningRate, double dropout,
                    int embeddingDim, int evalSize, int maxLength) {
    }

    @Spec
    CommandSpec spec;

    @Mixin
    ExampleOptions options;

    @Option(names = "--data", paramLabel = "DIR", description = "the aclImdb folder (or its parent); default: generated reviews")
    Path data;

    @Option(names = "--train", defaultValue = "25000", description = "training reviews, generated or at most read (default: ${DEFAULT-VALUE})")
    int trainSize;

    @Option(names = "--test", defaultValue = "25000", description = "test reviews, generated or at most read (default: ${DEFAULT-VALUE})")
    int testSize;

    @Option(names = "--models", split = ",", defaultValue = "linear,dnn,embedding,full",
            description = "the steps to run, comma-separated: linear, dnn, embedding, full, lstm, transformer (default: ${DEFAULT-VALUE})")
    List<String> models;

    @Option(names = "--steps", defaultValue = "1000", description = "training steps per model (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--periods", defaultValue = "10", description = "periods the log loss is reported after (default: ${DEFAULT-VALUE})")
    int periods;

    @Option(names = "--batch-size", defaultValue = "25", description = "reviews per step (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--lr", defaultValue = "0.1", description = "Adagrad learning rate, as the notebook (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--dropout", defaultValue = "0.1", description = "dropout after each hidden layer (default: ${DEFAULT-VALUE})")
    double dropout;

    @Option(names = "--embedding-dim", defaultValue = "8", description = "embedding size of the full-vocabulary model (default: ${DEFAULT-VALUE})")
    int embeddingDim;

    @Option(names = "--eval-size", defaultValue = "0", description = "reviews per split the log loss and AUC are measured on, 0 for all (default: ${DEFAULT-VALUE})")
    int evalSize;

    @Option(names = "--max-length", defaultValue = "256", description = "tokens of a review the sequence models (lstm, transformer) read (default: ${DEFAULT-VALUE})")
    int maxLength;

    @Override
    public Integer call() throws Exception {
        Cli.check(spec, trainSize >= 10 && testSize >= 10, "--train and --test must be >= 10");
        Cli.check(spec, steps >= 1, "--steps must be >= 1, got " + steps);
        Cli.check(spec, periods >= 1 && periods <= steps, "--periods must be in 1..steps, got " + periods);
        Cli.check(spec, batchSize >= 1 && batchSize <= trainSize, "--batch-size must be in 1..--train, got " + batchSize);
        Cli.positive(spec, "--lr", lr);
        Cli.check(spec, dropout >= 0 && dropout < 1, "--dropout must be in [0, 1), got " + dropout);
        Cli.check(spec, embeddingDim >= 1, "--embedding-dim must be >= 1, got " + embeddingDim);
        Cli.check(spec, evalSize >= 0, "--eval-size must be >= 0, got " + evalSize);
        Cli.check(spec, maxLength >= 1, "--max-length must be >= 1, got " + maxLength);
        List<ImdbStep> chosen = new ArrayList<>();
        for (String m : models) {
            ImdbStep step = STEPS.stream().filter(s -> s.name().equals(m.trim())).findFirst().orElse(null);
            Cli.check(spec, step != null, "--models: unknown model '" + m + "'; known: "
                    + STEPS.stream().map(ImdbStep::name).toList());
            chosen.add(step);
        }
        Path dir = options.outputDir("imdb");
        long start = System.nanoTime();
        ImdbData reviews = data == null ? generated() : read();
        System.out.println(Cli.fmt("%d training / %d test reviews, vocabulary %s (%.1f s)",
                reviews.size(ImdbData.Split.TRAIN), reviews.size(ImdbData.Split.TEST), reviews.vocabulary(),
                Cli.secondsSince(start)));
        Settings settings = new Settings(options.seed, steps, periods, batchSize, lr, dropout, embeddingDim, evalSize, maxLength);
        for (ImdbStep step : chosen) {
            ImdbTraining.run(step, reviews, settings, dir);
        }
        System.out.println("wrote the log loss and ROC plots (and embedding_terms.png) to " + dir);
        return 0;
    }

    private ImdbData generated() {
        ReviewCorpus corpus = ReviewCorpus.generate(options.seed);
        SplittableRandom rng = new SplittableRandom(options.seed + 1);
        Reviews train = corpus.sample(trainSize, rng);
        Reviews test = corpus.sample(testSize, rng);
        System.out.println(Cli.fmt("generated reviews (seed %d): Zipfian vocabulary of %,d terms with planted sentiment"
                + " terms", options.seed, corpus.terms().size()));
        return new ImdbData(train, test, Vocabulary.of(List.of(Vocabulary.PAD), corpus.terms(), 1));
    }

    private ImdbData read() throws java.io.IOException {
        Reviews train = Imdb.read(data, "train", trainSize / 2);
        Reviews test = Imdb.read(data, "test", testSize / 2);
        ImdbData tokens = new ImdbData(train, test, Vocabulary.of(List.of(), List.of(), 1));
        Vocabulary vocabulary = Vocabulary.build(tokens.tokens(ImdbData.Split.TRAIN), 1, ReviewCorpus.SIZE,
                List.of(Vocabulary.PAD), 1);
        System.out.println("IMDB reviews from " + data);
        return new ImdbData(train, test, vocabulary);
    }
}
