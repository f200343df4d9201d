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

/**
 * K workers with global batch B end with the parameters of single-process training with batch B, when the
 * single process is given the same global batches (the concatenation of the workers' local batches).
 */
class DataParallelTest {
    private static final int WORKERS = 2;
    private static final int BATCH = 32;
    private static final int EPOCHS = 2;
    private static final long SEED = 5;

    @Test
    void ringAllReduceMatchesSingleProcessSgdWithMomentum() {
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
    void gatherAllReduceMatchesSingleProcessAdam() {
        SerializableSupplier<GradientTransformation> adam = () -> Transformations.adam(0.01);
        SparkTrainer.Result<Sequential> r = new SparkTrainer<>(SparkTestSession::mlp, adam, Losses::crossEntropy)
                .globalBatch(BATCH).epochs(EPOCHS).seed(SEED).allReduce(TrainJob.AllReduceKind.GATHER)
                .fit(SparkTestSession.context(), SparkTestSession.blobs(), WORKERS);
        assertClose(singleProcess(adam.get()), r.model(), 1e-4);
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

    /** The single-process reference: the same global batches through the library's compiled TrainStep. */
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
