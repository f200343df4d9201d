package org.fluxion.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.fluxion.nn.EmbeddingBag;
import org.fluxion.nn.Losses;
import org.fluxion.nn.Module;
import org.fluxion.nn.Sequential;
import org.fluxion.optim.Adagrad;
import org.fluxion.optim.GradientClipping;
import org.fluxion.tensor.Tensor;
import org.fluxion.text.ReviewCorpus;
import org.fluxion.train.Plots;

/**
 * Step 3 of the notebook: the 50 terms embedded in 2 dimensions (an {@link EmbeddingBag} averaging a
 * review's terms, TensorFlow's embedding column with its mean combiner), then the DNN [20, 20]; Adagrad,
 * clip norm 5.0; afterwards the terms' scatter plot in the learned plane.
 */
final class ImdbEmbeddingStep implements ImdbStep {
    @Override
    public String name() {
        return "embedding";
    }

    @Override
    public String title() {
        return "2-D embedding of the 50 terms (EmbeddingBag, mean) + DNN [20, 20], Adagrad, clip norm 5.0";
    }

    /** Embedding bag then DNN. */
    static final class Classifier extends Module {
        final EmbeddingBag embedding;
        final Sequential dnn;

        Classifier(EmbeddingBag embedding, double dropout, SplittableRandom rng) {
            this.embedding = embedding;
            this.dnn = ImdbDnnStep.hidden(embedding.dim(), dropout, rng);
        }

        Tensor logits(org.fluxion.sparse.CsrMatrix rows) {
            return dnn.apply(embedding.apply(rows)).reshape(rows.rows());
        }

        /** Fixed-length bags of term ids {@code [B, L]}. */
        @Override
        public Tensor apply(Tensor ids) {
            return dnn.apply(embedding.apply(ids)).reshape(ids.dim(0));
        }

        @Override
        protected Map<String, Module> children() {
            return named("embedding", embedding, "dnn", dnn);
        }
    }

    @Override
    public Model build(ImdbData data, ImdbExample.Settings s, SplittableRandom rng) {
        int terms = data.informativeRows(ImdbData.Split.TRAIN).cols();
        Classifier model = new Classifier(new EmbeddingBag(terms, 2, EmbeddingBag.Mode.MEAN, false, rng), s.dropout(), rng);
        Adagrad adagrad = new Adagrad(s.learningRate());
        var parameters = model.parameters();
        return new Model() {
            @Override
            public Tensor logits(ImdbData.Split split, long[] reviews) {
                return model.logits(data.informativeRows(split).selectRows(reviews));
            }

            @Override
            public void step(long[] reviews) {
                model.zeroGrad();
                Losses.binaryCrossEntropyWithLogits(logits(ImdbData.Split.TRAIN, reviews),
                        data.labels(ImdbData.Split.TRAIN, reviews)).backward();
                GradientClipping.clipByGlobalNorm(parameters, ImdbDnnStep.CLIP_NORM);
                adagrad.step(parameters);
            }

            @Override
            public Module module() {
                return model;
            }

            @Override
            public void plots(Path dir, String prefix) throws IOException {
                Plots.scatter(model.embedding.weight().detach(), ReviewCorpus.INFORMATIVE.toArray(String[]::new),
                        dir.resolve(prefix + "_terms.png"));
            }
        };
    }
}
