package org.fluxion.cli;

import java.util.SplittableRandom;
import org.fluxion.nn.EmbeddingBag;
import org.fluxion.nn.Losses;
import org.fluxion.nn.Module;
import org.fluxion.optim.Adagrad;
import org.fluxion.optim.GradientClipping;
import org.fluxion.optim.SparseAdagrad;
import org.fluxion.sparse.RowSparse;
import org.fluxion.tensor.Tensor;

/**
 * Step 4 of the notebook: every term of the vocabulary (30,716, with {@code <pad>} and an out-of-vocabulary bucket) as sparse
 * input. Where the notebook densified each batch (35 to 50 GB), here a review stays a sparse row and the
 * {@link EmbeddingBag} averages the rows of its terms, its gradient holds only the terms the batch used, and
 * {@link SparseAdagrad} updates those rows alone; the DNN [20, 20] on top trains with Adagrad. Gradients
 * are clipped by their global norm (5.0) over the dense and the sparse parts together.
 */
final class ImdbFullVocabularyStep implements ImdbStep {
    @Override
    public String name() {
        return "full";
    }

    @Override
    public String title() {
        return "the full vocabulary as sparse rows into a sparse EmbeddingBag (mean) + DNN [20, 20],"
                + " SparseAdagrad/Adagrad, clip norm 5.0";
    }

    @Override
    public Model build(ImdbData data, ImdbExample.Settings s, SplittableRandom rng) {
        int vocabulary = data.vocabulary().size();
        EmbeddingBag bag = new EmbeddingBag(vocabulary, s.embeddingDim(), EmbeddingBag.Mode.MEAN, true, rng);
        ImdbEmbeddingStep.Classifier model = new ImdbEmbeddingStep.Classifier(bag, s.dropout(), rng);
        Adagrad dense = new Adagrad(s.learningRate());
        SparseAdagrad sparse = new SparseAdagrad(s.learningRate());
        var parameters = model.dnn.parameters();
        return new Model() {
            @Override
            public Tensor logits(ImdbData.Split split, long[] reviews) {
                return model.logits(data.vocabularyRows(split).selectRows(reviews));
            }

            @Override
            public void step(long[] reviews) {
                model.zeroGrad();
                Losses.binaryCrossEntropyWithLogits(logits(ImdbData.Split.TRAIN, reviews),
                        data.labels(ImdbData.Split.TRAIN, reviews)).backward();
                RowSparse g = bag.takeSparseGradient();
                double denseNorm = GradientClipping.globalNorm(parameters);
                double sparseNorm = g == null ? 0 : g.values().square().sum().item();
                double total = Math.sqrt(denseNorm * denseNorm + sparseNorm);
                if (total > ImdbDnnStep.CLIP_NORM) {
                    double factor = ImdbDnnStep.CLIP_NORM / total;
                    GradientClipping.clipByGlobalNorm(parameters, denseNorm * factor);
                    g = g == null ? null : new RowSparse(g.indices(), g.values().mul(factor), g.rows());
                }
                dense.step(parameters);
                sparse.step("embedding.weight", bag.weight(), g);
            }

            @Override
            public Module module() {
                return model;
            }
        };
    }
}
