package org.fluxion.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.fluxion.data.TensorDataset;
import org.fluxion.models.Models;
import org.fluxion.models.Sequential;
import org.fluxion.nn.Losses;
import org.fluxion.optim.GradientTransformation;
import org.fluxion.optim.Transformations;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What "equal" means for K workers with global batch B. Bit for bit: the parameters of
 * {@link ReferenceRun#sharded}, one process summing the K local gradients in the all-reduce's grouping, over
 * hundreds of steps of SGD and Adam. To float32 rounding: those of plain single-process training with batch B
 * ({@link ReferenceRun#train}: the same global batches, the mean over B taken in one reduction), over a short
 * horizon, since Adam amplifies rounding differences with the steps.
 */
class DataParallelTest {
    private static final int WORKERS = 2;
    private static final int BATCH = 32;
    private static final int EPOCHS = 2;
    private static final long SEED = 5;
    /** 256 samples, 2 workers of 4 samples each: 32 steps per epoch, 320 steps in all. */
    private static final int LONG_BATCH = 8;
    private static final int LONG_EPOCHS = 10;

    /**
     * Over the ring; the gather all-reduce's bits are checked over the short run below (each of its steps waits
     * for the driver's answer: about a second on this machine).
     */
    @ParameterizedTest
    @ValueSource(strings = {"sgd-momentum", "adam"})
    void aRunHasTheBitsOfTheShardedReferenceOverHundredsOfSteps(String name) {
        SerializableSupplier<GradientTransformation> optimizer = optimizer(name);
        SparkTrainer.Result<Sequential> r = new SparkTrainer<>(SparkTestSession::mlp, optimizer, Losses::crossEntropy)
                .globalBatch(LONG_BATCH).epochs(LONG_EPOCHS).seed(SEED)
                .fit(SparkTestSession.context(), SparkTestSession.blobs(), WORKERS);
        assertEquals(320, r.workers().getFirst().steps());
        Sequential reference = ReferenceRun.sharded(SparkTestSession.mlp(), optimizer.get(), Losses::crossEntropy,
                SparkTestSession.blobs(), WORKERS, LONG_BATCH, LONG_EPOCHS, SEED, true, TrainJob.AllReduceKind.RING);
        RowDataTest.assertSameParameters(reference, r.model());
    }

    private static SerializableSupplier<GradientTransformation> optimizer(String name) {
        return switch (name) {
            case "sgd-momentum" -> () -> Transformations.sgd(0.1, 0.9, false);
            case "adam" -> () -> Transformations.adam(0.01);
            default -> throw new IllegalArgumentException(name);
        };
    }

    @Test
    void ringAllReduceIsCloseToSingleProcessSgdWithMomentum() {
        SerializableSupplier<GradientTransformation> sgd = () -> Transformations.sgd(0.1, 0.9, false);
        List<String> hosts = java.util.Collections.synchronizedList(new ArrayList<>());
        TrainingListener started = new TrainingListener() {
            @Override
            public void onWorkerStart(int rank, int attempt, long pid, String host, long fromStep, long totalSteps) {
                hosts.add(host);
            }
        };
        SparkTrainer.Result<Sequential> r = new SparkTrainer<>(SparkTestSession::mlp, sgd, Losses::crossEntropy)
                .globalBatch(BATCH).epochs(EPOCHS).seed(SEED).listeners(started)
                .fit(SparkTestSession.context(), SparkTestSession.blobs(), WORKERS);
        assertClose(singleProcess(sgd.get()), r.model(), 2e-5);
        assertEquals(1, r.attempts());
        // the ring's sockets listen on the executors' addresses: loopback in local mode
        assertEquals(List.of("127.0.0.1", "127.0.0.1"), hosts);
        assertEquals(EPOCHS, r.history().size());
        // 2 (K - 1) / K of the gradient (plus loss and correct count) per step and worker
        int floats = r.workers().getFirst().gradientFloats();
        assertEquals(2.0 * (WORKERS - 1) / WORKERS * floats * Float.BYTES, r.bytesPerStep(), 8.0);
    }

    @Test
    void gatherAllReduceIsCloseToSingleProcessAdamAndHasTheShardedBits() {
        SerializableSupplier<GradientTransformation> adam = () -> Transformations.adam(0.01);
        SparkTrainer.Result<Sequential> r = new SparkTrainer<>(SparkTestSession::mlp, adam, Losses::crossEntropy)
                .globalBatch(BATCH).epochs(EPOCHS).seed(SEED).allReduce(TrainJob.AllReduceKind.GATHER)
                .fit(SparkTestSession.context(), SparkTestSession.blobs(), WORKERS);
        assertClose(singleProcess(adam.get()), r.model(), 1e-4);
        Sequential sharded = ReferenceRun.sharded(SparkTestSession.mlp(), adam.get(), Losses::crossEntropy,
                SparkTestSession.blobs(), WORKERS, BATCH, EPOCHS, SEED, true, TrainJob.AllReduceKind.GATHER);
        RowDataTest.assertSameParameters(sharded, r.model());
    }

    @Test
    void trainingLowersTheLossAndTheHistoryHasEveryEpoch() {
        SerializableSupplier<GradientTransformation> adam = () -> Transformations.adam(0.01);
        TensorDataset data = SparkTestSession.blobs();
        SparkTrainer.Result<Sequential> r = new SparkTrainer<>(SparkTestSession::mlp, adam, Losses::crossEntropy)
                .globalBatch(BATCH).epochs(3).seed(SEED).validation(data.slice(0, 64))
                .fit(SparkTestSession.context(), data, WORKERS);
        double[] loss = r.history().series("loss");
        assertEquals(3, loss.length);
        assertTrue(loss[2] < loss[0], "loss per epoch " + java.util.Arrays.toString(loss));
        assertEquals(3, r.history().series("val_accuracy").length);
        assertTrue(r.history().last("accuracy").orElseThrow() > 0.5);
    }

    /** Plain single-process training: the same global batches through the library's compiled TrainStep. */
    static Sequential singleProcess(GradientTransformation optimizer) {
        return ReferenceRun.train(SparkTestSession.mlp(), optimizer, Losses::crossEntropy, SparkTestSession.blobs(),
                WORKERS, BATCH, EPOCHS, SEED, true);
    }

    static void assertClose(Sequential expected, Sequential actual, double tolerance) {
        List<Tensor> e = Models.parameters(expected);
        List<Tensor> a = Models.parameters(actual);
        assertEquals(e.size(), a.size());
        for (int i = 0; i < e.size(); i++) {
            float[] x = e.get(i).toFloatArray();
            float[] y = a.get(i).toFloatArray();
            for (int j = 0; j < x.length; j++) {
                assertEquals(x[j], y[j], tolerance * Math.max(1, Math.abs(x[j])), "parameter " + i + "[" + j + "]");
            }
        }
    }
}
