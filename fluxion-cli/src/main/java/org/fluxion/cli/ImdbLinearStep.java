package org.fluxion.cli;

import java.util.Map;
import java.util.SplittableRandom;
import org.fluxion.nn.Losses;
import org.fluxion.nn.Module;
import org.fluxion.optim.Adagrad;
import org.fluxion.sparse.CsrMatrix;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Step 1 of the notebook: a linear classifier on the 50 informative terms, each review a sparse multi-hot
 * row {@code [50]} multiplied by the weights (a sparse x dense product, no dense input), Adagrad at the
 * notebook's learning rate (its FTRL is Adagrad with L1/L2 terms, left at zero there).
 */
final class ImdbLinearStep implements ImdbStep {
    @Override
    public String name() {
        return "linear";
    }

    @Override
    public String title() {
        return "linear model on the 50 informative terms (sparse multi-hot input), Adagrad";
    }

    /** {@code x w + b} for sparse rows x {@code [B, terms]}. */
    static final class SparseLinear extends Module {
        final Tensor weight;
        final Tensor bias = Tensor.zeros(1).requiresGrad(true);

        SparseLinear(int terms) {
            weight = Tensor.zeros(DType.FLOAT32, terms, 1).requiresGrad(true);
        }

        Tensor logits(CsrMatrix x) {
            return x.matmul(weight).reshape(x.rows()).add(bias);
        }

        /** Dense multi-hot rows {@code [B, terms]}. */
        @Override
        public Tensor apply(Tensor x) {
            return x.matmul(weight).reshape(x.dim(0)).add(bias);
        }

        @Override
        protected Map<String, Tensor> ownParameters() {
            return named("weight", weight, "bias", bias);
        }
    }

    @Override
    public Model build(ImdbData data, ImdbExample.Settings s, SplittableRandom rng) {
        SparseLinear linear = new SparseLinear(data.informativeRows(ImdbData.Split.TRAIN).cols());
        Adagrad adagrad = new Adagrad(s.learningRate());
        var parameters = linear.parameters();
        return new Model() {
            @Override
            public Tensor logits(ImdbData.Split split, long[] reviews) {
                return linear.logits(data.informativeRows(split).selectRows(reviews));
            }

            @Override
            public void step(long[] reviews) {
                linear.zeroGrad();
                Losses.binaryCrossEntropyWithLogits(logits(ImdbData.Split.TRAIN, reviews),
                        data.labels(ImdbData.Split.TRAIN, reviews)).backward();
                adagrad.step(parameters);
            }

            @Override
            public Module module() {
                return linear;
            }
        };
    }
}
