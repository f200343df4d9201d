package org.fluxion.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.fluxion.models.Models;
import org.fluxion.models.Sequential;
import org.fluxion.nn.Losses;
import org.fluxion.optim.GradientTransformation;
import org.fluxion.optim.Transformations;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker that fails mid-training fails the barrier stage; Spark runs the stage again and every worker resumes
 * from the last checkpoint, so the run ends with the bits of an uninterrupted one. (The real thing, an executor
 * JVM killed, is exercised by {@code scripts/cluster-test.sh} on a standalone cluster.)
 */
class RecoveryTest {
    private static final SerializableSupplier<GradientTransformation> ADAM = () -> Transformations.adam(0.01);

    private static SparkTrainer<Sequential> trainer(Path checkpoints) {
        return new SparkTrainer<>(SparkTestSession::mlp, ADAM, Losses::crossEntropy).globalBatch(32).epochs(2).seed(3)
                .checkpoints(checkpoints, 4);
    }

    @Test
    void aFailedWorkerResumesFromTheLastCheckpointWithTheSameResult(@TempDir Path dir) {
        SparkTrainer.Result<Sequential> plain = trainer(dir.resolve("plain"))
                .fit(SparkTestSession.context(), SparkTestSession.blobs(), 2);
        // 16 steps, checkpoints after 4, 8 and 12: the failure before step 11 resumes from step 8
        SparkTrainer.Result<Sequential> failed = trainer(dir.resolve("failed")).injectFailure(1, 11)
                .fit(SparkTestSession.context(), SparkTestSession.blobs(), 2);

        assertEquals(1, plain.attempts());
        assertEquals(2, failed.attempts());
        for (WorkerResult w : failed.workers()) {
            assertEquals(8, w.resumedFrom(), "worker " + w.rank());
            assertEquals(8, w.steps(), "worker " + w.rank());
        }
        List<Tensor> expected = Models.parameters(plain.model());
        List<Tensor> actual = Models.parameters(failed.model());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i).toFloatArray(), actual.get(i).toFloatArray(), "parameter " + i);
        }
        assertArrayEquals(plain.history().series("loss"), failed.history().series("loss"), 1e-6);
        assertTrue(Files.exists(dir.resolve("failed").resolve(ClusterCheckpoint.FILE)));
    }

    @Test
    void aCheckpointOfAnotherRunIsRefused(@TempDir Path dir) {
        trainer(dir).fit(SparkTestSession.context(), SparkTestSession.blobs(), 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> trainer(dir).globalBatch(64)
                .fit(SparkTestSession.context(), SparkTestSession.blobs(), 2));
        assertTrue(e.getMessage().contains("belongs to another run"), e.getMessage());
    }
}
