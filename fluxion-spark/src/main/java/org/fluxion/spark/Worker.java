package org.fluxion.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.apache.spark.BarrierTaskContext;
import org.fluxion.models.Context;
import org.fluxion.models.Layer;
import org.fluxion.models.Models;
import org.fluxion.tensor.Tensor;

/**
 * One replica's training loop, run by each task of the barrier stage. Worker {@code r} of {@code K} holds its
 * shard; at every step it takes the next {@code B / K} samples of its epoch's order, computes the gradient of
 * their mean loss, and the workers sum {@code [grad, loss, correct]} with the all-reduce; every worker then
 * divides by {@code K} (the mean over the global batch of {@code B}, as single-process training computes it)
 * and applies the same compiled update. Steps per epoch: the smallest shard's {@code count / (B / K)}, so all
 * workers take the same number of steps.
 */
final class Worker<M extends Layer> {
    private final TrainJob<M> job;
    private final BarrierTaskContext context;
    private final int rank;
    private final int workers;

    Worker(TrainJob<M> job, BarrierTaskContext context) {
        this.job = job;
        this.context = context;
        this.rank = context.partitionId();
        this.workers = context.getTaskInfos().length;
    }

    WorkerResult run(Shard shard) {
        if (job.globalBatch() % workers != 0) {
            throw new IllegalArgumentException("the global batch " + job.globalBatch() + " is not a multiple of the "
                    + workers + " workers");
        }
        long taskStart = System.nanoTime();
        int local = job.globalBatch() / workers;
        M model = job.initial().into(job.model().get());
        ReplicaStep<M> step = new ReplicaStep<>(job.optimizer().get(), job.loss(), job.compile());
        Object optimizerState = step.init(model);
        long start = 0;
        double epochLoss = 0;
        double epochCorrect = 0;
        double epochSeen = 0;
        Path dir = job.checkpointDir() == null ? null : Path.of(job.checkpointDir());
        if (dir != null) {
            ClusterCheckpoint<M> saved = ClusterCheckpoint.load(dir, job.fingerprint(), model, optimizerState);
            if (saved != null) {
                model = saved.model();
                optimizerState = saved.optimizerState();
                start = saved.step();
                epochLoss = saved.epochLoss();
                epochCorrect = saved.epochCorrect();
                epochSeen = saved.epochSeen();
            }
        }
        // One rendezvous for the shard sizes, the ring's addresses, and the barrier that makes every replica read
        // the same checkpoint before any may write the next one: each barrier call of Spark takes about a second
        // (see GatherAllReduce), three of them were most of a short epoch.
        boolean ring = workers > 1 && job.allReduce() == TrainJob.AllReduceKind.RING;
        RingAllReduce.Listener listener = ring ? new RingAllReduce.Listener(host()) : null;
        String[] peers;
        try {
            peers = workers == 1 ? new String[] {shard.count() + " -"}
                    : context.allGather(shard.count() + " " + (ring ? listener.address() : "-"));
        } catch (RuntimeException e) {
            if (listener != null) {
                listener.close();
            }
            throw e;
        }
        int smallest = Integer.MAX_VALUE;
        String[] addresses = new String[workers];
        for (int r = 0; r < workers; r++) {
            String[] f = peers[r].split(" ");
            smallest = Math.min(smallest, Integer.parseInt(f[0]));
            addresses[r] = f[1];
        }
        int stepsPerEpoch = smallest / local;
        if (stepsPerEpoch == 0) {
            if (listener != null) {
                listener.close();
            }
            throw new IllegalArgumentException("a worker's shard has " + smallest + " samples, fewer than one local"
                    + " batch of " + local + " (global batch " + job.globalBatch() + " over " + workers + " workers)");
        }
        long totalSteps = (long) stepsPerEpoch * job.epochs();

        List<Tensor> params = new ArrayList<>(Models.parameters(model));
        float[] buffer = new float[StepBuffer.length(params)];
        int lossIndex = StepBuffer.lossIndex(buffer);
        long computeNanos = 0;
        long examples = 0;
        Inference<M> inference = new Inference<>();
        try (AllReduce allReduce = connect(addresses, listener);
             ProgressReporter progress = new ProgressReporter(job.progress())) {
            progress.send("hello %d %d %d %s %d %d", rank, context.stageAttemptNumber(), ProcessHandle.current().pid(),
                    host(), start, totalSteps);
            int[] order = null;
            int orderEpoch = -1;
            long loopStart = System.nanoTime();
            for (long s = start; s < totalSteps; s++) {
                int epoch = (int) (s / stepsPerEpoch);
                int inEpoch = (int) (s % stepsPerEpoch);
                if (job.failure() != null && job.failure().rank() == rank && job.failure().step() == s
                        && context.stageAttemptNumber() == 0) {
                    throw new IllegalStateException("injected failure of worker " + rank + " at step " + s);
                }
                if (epoch != orderEpoch) {
                    order = ShardOrder.permutation(shard.count(), job.shuffle(), job.seed(), epoch, rank);
                    orderEpoch = epoch;
                }
                long t0 = System.nanoTime();
                Tensor[] batch = shard.batch(order, inEpoch * local, (inEpoch + 1) * local);
                ReplicaStep.GradOutput<M> g = step.gradients(model, batch[0], batch[1], Context.key(job.seed() + s));
                StepBuffer.write(g.grads(), (float) g.loss().item(),
                        shard.classLabels() ? correct(g.output(), batch[1]) : 0, buffer);
                long t1 = System.nanoTime();
                long reduceBefore = allReduce.nanos();
                allReduce.sum(buffer);
                long reduceNanos = allReduce.nanos() - reduceBefore;
                long t2 = System.nanoTime();
                ReplicaStep.UpdateOutput u = step.update(params, optimizerState,
                        StepBuffer.meanGradients(buffer, params, workers));
                params = new ArrayList<>(u.params());
                optimizerState = u.optimizerState();
                model = Models.withParameters(g.layer(), params);
                long t3 = System.nanoTime();
                computeNanos += (t1 - t0) + (t3 - t2);
                examples += local;
                double loss = buffer[lossIndex] / workers;
                epochLoss += loss;
                epochCorrect += buffer[lossIndex + 1];
                epochSeen += job.globalBatch();
                progress.send("step %d %d %d %.6g %.0f %d %d %d %d", rank, s, epoch, loss, buffer[lossIndex + 1], local,
                        (t1 - t0) + (t3 - t2), reduceNanos, allReduce.bytesSent());
                if (inEpoch == stepsPerEpoch - 1) {
                    if (rank == 0) {
                        double[] val = validate(inference, model);
                        progress.send("epoch %d %.6g %.6g %.6g %.6g", epoch, epochLoss / stepsPerEpoch,
                                epochCorrect / epochSeen, val[0], val[1]);
                    }
                    epochLoss = 0;
                    epochCorrect = 0;
                    epochSeen = 0;
                }
                if (rank == 0 && dir != null && job.checkpointEvery() > 0 && (s + 1) % job.checkpointEvery() == 0
                        && s + 1 < totalSteps) {
                    new ClusterCheckpoint<>(model, optimizerState, s + 1, epochLoss, epochCorrect, epochSeen)
                            .save(dir, job.fingerprint());
                    progress.send("checkpoint %d", s + 1);
                }
            }
            long loopEnd = System.nanoTime();
            return new WorkerResult(rank, context.stageAttemptNumber(), rank == 0 ? Snapshot.of(model) : null,
                    checksum(params), start, totalSteps - start, examples, loopStart - taskStart, loopEnd - loopStart,
                    computeNanos, allReduce.nanos(), allReduce.bytesSent(), buffer.length);
        }
    }

    /** The all-reduce of this stage; a ring connects to {@code addresses} (by rank) from {@code listener}. */
    private AllReduce connect(String[] addresses, RingAllReduce.Listener listener) {
        if (workers == 1) {
            return new AllReduce() {
                @Override
                public void sum(float[] buffer) {
                }

                @Override
                public long bytesSent() {
                    return 0;
                }

                @Override
                public long nanos() {
                    return 0;
                }

                @Override
                public void close() {
                }
            };
        }
        if (job.allReduce() == TrainJob.AllReduceKind.GATHER) {
            return new GatherAllReduce(context);
        }
        return new RingAllReduce(rank, addresses, listener);
    }

    /** The host of this task's executor, as the barrier stage lists it ({@code host:port}). */
    private String host() {
        String address = context.getTaskInfos()[rank].address();
        int colon = address.lastIndexOf(':');
        return colon < 0 ? address : address.substring(0, colon);
    }

    /** Loss and accuracy of {@code model} on the job's validation samples (NaN when there are none). */
    private double[] validate(Inference<M> inference, M model) {
        Shard val = job.validation();
        if (val == null) {
            return new double[] {Double.NaN, Double.NaN};
        }
        int[] all = new int[val.count()];
        java.util.Arrays.setAll(all, i -> i);
        double loss = 0;
        double correct = 0;
        for (int from = 0; from < val.count(); from += 1000) {
            int to = Math.min(val.count(), from + 1000);
            Tensor[] b = val.batch(all, from, to);
            Tensor out = inference.apply(model, b[0]);
            loss += job.loss().apply(out, b[1]).item() * (to - from);
            correct += val.classLabels() ? correct(out, b[1]) : 0;
        }
        return new double[] {loss / val.count(), val.classLabels() ? correct / val.count() : Double.NaN};
    }

    private static float correct(Tensor scores, Tensor labels) {
        long[] predicted = scores.argmax(1, false).toLongArray();
        long[] truth = labels.toLongArray();
        int n = 0;
        for (int i = 0; i < predicted.length; i++) {
            n += predicted[i] == truth[i] ? 1 : 0;
        }
        return n;
    }

    private static long checksum(List<Tensor> params) {
        CRC32 crc = new CRC32();
        for (Tensor p : params) {
            for (float v : p.toFloatArray()) {
                int bits = Float.floatToRawIntBits(v);
                crc.update(bits);
                crc.update(bits >>> 8);
                crc.update(bits >>> 16);
                crc.update(bits >>> 24);
            }
        }
        return crc.getValue();
    }

}
