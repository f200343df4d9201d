package org.fluxion.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.fluxion.data.TensorDataset;
import org.fluxion.models.Layer;
import org.fluxion.optim.GradientTransformation;
import org.fluxion.tensor.Tensor;
import org.fluxion.train.TrainState;
import org.fluxion.train.TrainStep;

/**
 * Single-process training on exactly the global batches a distributed run sees: {@code data} cut into
 * {@code workers} contiguous shards as {@link Shards#of(org.apache.spark.api.java.JavaSparkContext, TensorDataset,
 * int)} cuts it, each global batch the concatenation of the workers' local batches in rank order (each drawn by
 * {@link ShardOrder}), trained by the library's compiled {@link TrainStep}. What a distributed run must equal.
 */
public final class ReferenceRun {
    private ReferenceRun() {
    }

    /**
     * {@code model} after {@code epochs} epochs of {@code optimizer} on {@code loss} with global batch
     * {@code globalBatch}, as {@code workers} workers would see the data.
     */
    public static <M extends Layer> M train(M model, GradientTransformation optimizer,
                                            BiFunction<Tensor, Tensor, Tensor> loss, TensorDataset data, int workers,
                                            int globalBatch, int epochs, long seed, boolean shuffle) {
        int local = globalBatch / workers;
        List<Shard> shards = new ArrayList<>();
        int smallest = Integer.MAX_VALUE;
        for (int w = 0; w < workers; w++) {
            Shard s = Shard.of(data, (int) ((long) data.size() * w / workers), (int) ((long) data.size() * (w + 1) / workers));
            shards.add(s);
            smallest = Math.min(smallest, s.count());
        }
        int stepsPerEpoch = smallest / local;
        TrainStep<M> step = new TrainStep<>(optimizer, loss, true);
        TrainState<M> state = step.init(model, seed);
        for (int epoch = 0; epoch < epochs; epoch++) {
            List<int[]> orders = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                orders.add(ShardOrder.permutation(shards.get(w).count(), shuffle, seed, epoch, w));
            }
            for (int i = 0; i < stepsPerEpoch; i++) {
                List<Tensor> xs = new ArrayList<>();
                List<Tensor> ys = new ArrayList<>();
                for (int w = 0; w < workers; w++) {
                    Tensor[] b = shards.get(w).batch(orders.get(w), i * local, (i + 1) * local);
                    xs.add(b[0]);
                    ys.add(b[1]);
                }
                state = step.apply(state, Tensor.concat(0, xs), Tensor.concat(0, ys)).state();
            }
        }
        return state.model();
    }
}
