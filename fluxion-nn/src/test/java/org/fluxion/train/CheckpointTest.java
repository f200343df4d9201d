package org.fluxion.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    private static Map<String, Tensor> model(int hidden) {
        Map<String, Tensor> p = new LinkedHashMap<>();
        p.put("0.weight", Tensor.randn(1, hidden, 784).requiresGrad(true));
        p.put("0.bias", Tensor.zeros(hidden).requiresGrad(true));
        return p;
    }

    @Test
    void savesAndLoadsParametersOptimizerStateAndMetadata() throws IOException {
        Path file = dir.resolve("x.safetensors");
        Map<String, Tensor> params = model(128);
        Map<String, Tensor> optim = Map.of("step", Tensor.scalar(5, DType.INT64), "0.weight.m", Tensor.ones(128, 784));
        Checkpoint.save(file, params, optim, Map.of("epoch", "2"));

        Checkpoint c = Checkpoint.load(file);
        assertEquals(Set.of("0.weight", "0.bias"), c.parameters().keySet());
        assertEquals(Set.of("step", "0.weight.m"), c.optimizerState().keySet());
        assertEquals("2", c.metadata().get("epoch"));
        assertTrue(SafeTensors.read(file).tensors().containsKey("param/0.weight"));
        assertTrue(SafeTensors.read(file).tensors().containsKey("optim/step"));

        Map<String, Tensor> fresh = model(128);
        Map<String, Tensor> freshOptim = Map.of("step", Tensor.scalar(0, DType.INT64), "0.weight.m", Tensor.zeros(128, 784));
        c.loadInto(fresh, freshOptim);
        assertArrayEquals(params.get("0.weight").toFloatArray(), fresh.get("0.weight").toFloatArray());
        assertEquals(5L, freshOptim.get("step").toLongArray()[0]);
        assertTrue(fresh.get("0.weight").requiresGrad(), "still a parameter after loading");
    }

    @Test
    void shapeMismatchNamesFileTensorAndBothShapes() throws IOException {
        Path file = dir.resolve("x.safetensors");
        Checkpoint.save(file, model(128), Map.of(), Map.of());
        Map<String, Tensor> target = model(64);
        float[] before = target.get("0.bias").toFloatArray();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Checkpoint.load(file).loadInto(target));
        assertTrue(e.getMessage().startsWith("checkpoint " + file + ": tensor 'param/0.weight' has shape "
                + "[128, 784], model expects [64, 784]"), e.getMessage());
        assertArrayEquals(before, target.get("0.bias").toFloatArray(), "nothing copied on error");
    }

    @Test
    void missingExtraAndDtypeMismatch() throws IOException {
        Path file = dir.resolve("x.safetensors");
        Checkpoint.save(file, model(8), Map.of(), Map.of());
        Checkpoint c = Checkpoint.load(file);

        Map<String, Tensor> missing = model(8);
        missing.put("1.bias", Tensor.zeros(10));
        assertMessage(() -> c.loadInto(missing), "tensor 'param/1.bias' [10] of the model is missing");

        Map<String, Tensor> extra = model(8);
        extra.remove("0.bias");
        assertMessage(() -> c.loadInto(extra), "tensor 'param/0.bias' [8] is not in the model");

        Map<String, Tensor> dtype = model(8);
        dtype.put("0.bias", Tensor.zeros(DType.FLOAT64, 8));
        assertMessage(() -> c.loadInto(dtype), "tensor 'param/0.bias' has dtype float32, model expects float64");

        assertMessage(() -> c.loadInto(model(8), Map.of("step", Tensor.scalar(0))),
                "tensor 'optim/step' [] of the model is missing");
    }

    @Test
    void failedSaveLeavesThePreviousCheckpointAndNoTempFile() throws IOException {
        Path file = dir.resolve("x.safetensors");
        Checkpoint.save(file, model(4), Map.of(), Map.of("epoch", "1"));
        byte[] before = Files.readAllBytes(file);

        // Fails on the second pass over the map, after the header and the first tensor's data are written.
        Map<String, Tensor> failing = new FailingMap(model(4), 2);
        assertThrows(IllegalStateException.class, () -> SafeTensors.write(file, failing, Map.of()));

        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
        assertEquals("1", Checkpoint.load(file).metadata().get("epoch"));
    }

    @Test
    void saveIntoANewDirectory() throws IOException {
        Path file = dir.resolve("runs/a/model.safetensors");
        Checkpoint.save(file, model(2), Map.of(), Map.of());
        assertFalse(Checkpoint.load(file).parameters().isEmpty());
    }

    private static void assertMessage(Runnable r, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().startsWith("checkpoint "), e.getMessage());
        assertTrue(e.getMessage().contains("x.safetensors"), e.getMessage());
        assertTrue(e.getMessage().contains(part), "expected '" + part + "' in: " + e.getMessage());
    }

    /** A map whose {@code failOnPass}-th iteration throws after its first entry. */
    private static final class FailingMap extends AbstractMap<String, Tensor> {
        private final Map<String, Tensor> delegate;
        private final int failOnPass;
        private int passes;

        FailingMap(Map<String, Tensor> delegate, int failOnPass) {
            this.delegate = delegate;
            this.failOnPass = failOnPass;
        }

        @Override
        public Set<Entry<String, Tensor>> entrySet() {
            return new java.util.AbstractSet<>() {
                @Override
                public Iterator<Entry<String, Tensor>> iterator() {
                    Iterator<Entry<String, Tensor>> it = delegate.entrySet().iterator();
                    boolean fail = ++passes == failOnPass;
                    return new Iterator<>() {
                        int given;

                        @Override
                        public boolean hasNext() {
                            return it.hasNext();
                        }

                        @Override
                        public Entry<String, Tensor> next() {
                            if (fail && given++ == 1) {
                                throw new IllegalStateException("simulated crash mid-save");
                            }
                            return it.next();
                        }
                    };
                }

                @Override
                public int size() {
                    return delegate.size();
                }
            };
        }
    }
}
