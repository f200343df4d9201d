package org.fluxion.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.fluxion.data.TensorDataset;
import org.fluxion.models.Context;
import org.fluxion.models.Layer;
import org.fluxion.models.Models;
import org.fluxion.optim.GradientTransformation;
import org.fluxion.tensor.Tensor;
import org.fluxion.train.TrainState;
import org.fluxion.train.TrainStep;

/**
 * Single-process training on exactly the global batches a distributed run sees: {@code data} cut into
 * {@code workers} contiguous shards as {@link Shards#of(org.apache.spark.api.java.JavaSparkContext, TensorDataset,
 * int)} cuts it, each global batch made of the workers' local batches in rank order (each drawn by
 * {@link ShardOrder}). Two references, two meanings of "equal":
 * <ul>
 *   <li>{@link #sharded}: the gradient of each local batch, summed in the all-reduce's grouping, then the same
 *       update: a distributed run gives these parameters bit for bit, however many steps;</li>
 *   <li>{@link #train}: plain training with batch {@code B} by the library's compiled {@link TrainStep} (the mean
 *       over all {@code B} samples in one reduction): the same mathematics, summed in another order, so equal
 *       to float32 rounding, which grows with the steps (Adam divides by the root of tiny second moments).</li>
 * </ul>
 */
public final class ReferenceRun {
    private ReferenceRun() {
    }

    /**
     * {@code model} after {@code epochs} epochs of {@code optimizer} on {@code loss} with global batch
     * {@code globalBatch}, as {@code workers} workers would see the data, trained as one batch of
     * {@code globalBatch} per step.
     */
    public static <M extends Layer> M train(M model, GradientTransformation optimizer,
                                            BiFunction<Tensor, Tensor, Tensor> loss, TensorDataset data, int workers,
                                            int globalBatch, int epochs, long seed, boolean shuffle) {
        Schedule schedule = Schedule.of(data, workers, globalBatch);
        TrainStep<M> step = new TrainStep<>(optimizer, loss, true);
        TrainState<M> state = step.init(model, seed);
        for (int epoch = 0; epoch < epochs; epoch++) {
            List<int[]> orders = schedule.orders(epoch, seed, shuffle);
            for (int i = 0; i < schedule.stepsPerEpoch(); i++) {
                List<Tensor> xs = new ArrayList<>();
                List<Tensor> ys = new ArrayList<>();
                for (Tensor[] b : schedule.batches(orders, i)) {
                    xs.add(b[0]);
                    ys.add(b[1]);
                }
                state = step.apply(state, Tensor.concat(0, xs), Tensor.concat(0, ys)).state();
            }
        }
        return state.model();
    }

    /**
     * {@code model} after the steps a {@link SparkTrainer} with {@code workers} workers and {@code allReduce} takes,
     * computed in one process with the workers' arithmetic: per step, each worker's gradient of its local batch
     * with a {@link ReplicaStep} (the random key of step {@code s} is {@code Context.key(seed + s)}), the
     * {@link StepBuffer}s summed by {@link TrainJob.AllReduceKind#sumInOrder}, scaled by {@code 1/K}, and the
     * same compiled update. Returns worker 0's model (its layer state, such as BatchNorm statistics).
     */
    public static <M extends Layer> M sharded(M model, GradientTransformation optimizer,
                                              BiFunction<Tensor, Tensor, Tensor> loss, TensorDataset data,
                                              int workers, int globalBatch, int epochs, long seed, boolean shuffle,
                                              TrainJob.AllReduceKind allReduce) {
        Schedule schedule = Schedule.of(data, workers, globalBatch);
        ReplicaStep<M> step = new ReplicaStep<>(optimizer, loss, true);
        List<Tensor> params = Models.parameters(model);
        Object optimizerState = step.init(model);
        float[][] buffers = new float[workers][StepBuffer.length(params)];
        long s = 0;
        for (int epoch = 0; epoch < epochs; epoch++) {
            List<int[]> orders = schedule.orders(epoch, seed, shuffle);
            for (int i = 0; i < schedule.stepsPerEpoch(); i++, s++) {
                List<Tensor[]> batches = schedule.batches(orders, i);
                M layer = model;
                for (int w = 0; w < workers; w++) {
                    Tensor[] b = batches.get(w);
                    ReplicaStep.GradOutput<M> g = step.gradients(model, b[0], b[1], Context.key(seed + s));
                    StepBuffer.write(g.grads(), (float) g.loss().item(), 0, buffers[w]);
                    if (w == 0) {
                        layer = g.layer();
                    }
                }
                ReplicaStep.UpdateOutput u = step.update(params, optimizerState,
                        StepBuffer.meanGradients(allReduce.sumInOrder(buffers), params, workers));
                params = new ArrayList<>(u.params());
                optimizerState = u.optimizerState();
                model = Models.withParameters(layer, params);
            }
        }
        return model;
    }

    /** How a distributed run cuts the data: one contiguous shard per worker, {@code B / K} samples per step. */
    private record Schedule(List<Shard> shards, int local, int stepsPerEpoch) {
        static Schedule of(TensorDataset data, int workers, int globalBatch) {
            if (globalBatch % workers != 0) {
                throw new IllegalArgumentException("the global batch " + globalBatch + " is not a multiple of the "
                        + workers + " workers");
            }
            int local = globalBatch / workers;
            List<Shard> shards = new ArrayList<>();
            int smallest = Integer.MAX_VALUE;
            for (int w = 0; w < workers; w++) {
                Shard s = Shard.of(data, (int) ((long) data.size() * w / workers),
                        (int) ((long) data.size() * (w + 1) / workers));
                shards.add(s);
                smallest = Math.min(smallest, s.count());
            }
            return new Schedule(shards, local, smallest / local);
        }

        /** Each worker's order of its shard in {@code epoch}. */
        List<int[]> orders(int epoch, long seed, boolean shuffle) {
            List<int[]> orders = new ArrayList<>();
            for (int w = 0; w < shards.size(); w++) {
                orders.add(ShardOrder.permutation(shards.get(w).count(), shuffle, seed, epoch, w));
            }
            return orders;
        }

        /** The workers' local batches ({features, labels}, rank order) of step {@code i} of an epoch. */
        List<Tensor[]> batches(List<int[]> orders, int i) {
            List<Tensor[]> batches = new ArrayList<>();
            for (int w = 0; w < shards.size(); w++) {
                batches.add(shards.get(w).batch(orders.get(w), i * local, (i + 1) * local));
            }
            return batches;
        }
    }
}
