package org.fluxion.cli;

import java.util.SplittableRandom;
import org.fluxion.nn.Activation;
import org.fluxion.nn.Dropout;
import org.fluxion.nn.Linear;
import org.fluxion.nn.Losses;
import org.fluxion.nn.Module;
import org.fluxion.nn.Sequential;
import org.fluxion.optim.Adagrad;
import org.fluxion.optim.GradientClipping;
import org.fluxion.tensor.Tensor;

/**
 * Step 2 of the notebook: a DNN with hidden layers [20, 20] (ReLU, dropout) on the multi-hot rows of the 50
 * informative terms (TensorFlow's indicator column: the sparse rows made dense per batch), Adagrad with
 * gradient clipping by global norm 5.0.
 */
final class ImdbDnnStep implements ImdbStep {
    static final double CLIP_NORM = 5.0;

    @Override
    public String name() {
        return "dnn";
    }

    @Override
    public String title() {
        return "DNN [20, 20] with dropout on the 50 terms' multi-hot rows, Adagrad, clip norm 5.0";
    }

    /** The notebook's head: {@code in -> 20 -> 20 -> 1}, ReLU and dropout after each hidden layer. */
    static Sequential hidden(int in, double dropout, SplittableRandom rng) {
        return new Sequential(new Linear(in, 20, rng), Activation.relu(), new Dropout(dropout, rng),
                new Linear(20, 20, rng), Activation.relu(), new Dropout(dropout, rng), new Linear(20, 1, rng));
    }

    @Override
    public Model build(ImdbData data, ImdbExample.Settings s, SplittableRandom rng) {
        Sequential dnn = hidden(data.informativeRows(ImdbData.Split.TRAIN).cols(), s.dropout(), rng);
        Adagrad adagrad = new Adagrad(s.learningRate());
        var parameters = dnn.parameters();
        return new Model() {
            @Override
            public Tensor logits(ImdbData.Split split, long[] reviews) {
                Tensor x = data.informativeRows(split).selectRows(reviews).toDense();
                return dnn.apply(x).reshape(reviews.length);
            }

            @Override
            public void step(long[] reviews) {
                dnn.zeroGrad();
                Losses.binaryCrossEntropyWithLogits(logits(ImdbData.Split.TRAIN, reviews),
                        data.labels(ImdbData.Split.TRAIN, reviews)).backward();
                GradientClipping.clipByGlobalNorm(parameters, CLIP_NORM);
                adagrad.step(parameters);
            }

            @Override
            public Module module() {
                return dnn;
            }
        };
    }
}
