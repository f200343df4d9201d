package org.fluxion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.fluxion.data.DataLoader;
import org.fluxion.data.TensorDataset;
import org.fluxion.models.Layer;
import org.fluxion.models.Models;
import org.fluxion.nn.Activation;
import org.fluxion.nn.BatchNorm1d;
import org.fluxion.nn.LayerNorm;
import org.fluxion.nn.Linear;
import org.fluxion.nn.Losses;
import org.fluxion.nn.Module;
import org.fluxion.nn.Sequential;
import org.fluxion.optim.Adam;
import org.fluxion.optim.LearningRateSchedule;
import org.fluxion.optim.Transformations;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The trainer's compiled step against its eager loop on the same module and optimizer: the same parameters,
 * buffers and optimizer state after two epochs (to float32 rounding); layers as data with a pure optimizer; the
 * fallback to the eager loop.
 */
class CompiledTrainerTest {
    /** Four well separated classes in 6 dimensions, 96 samples in batches of 16 (the last one of 16 too). */
    private static DataLoader loader() {
        SplittableRandom rng = new SplittableRandom(3);
        Tensor y = Tensor.randint(rng, 0, 4, 96);
        Tensor centers = Tensor.randn(rng, DType.FLOAT32, 4, 6).mul(3);
        Tensor x = centers.indexSelect(0, y).add(Tensor.randn(rng, DType.FLOAT32, 96, 6));
        return DataLoader.builder(new TensorDataset(x, y)).batchSize(16).shuffle(1).build();
    }

    private static Sequential module() {
        SplittableRandom rng = new SplittableRandom(8);
        return new Sequential(new Linear(6, 12, rng), new BatchNorm1d(12), Activation.tanh(), new Linear(12, 4, rng));
    }

    @Test
    void compiledStepEqualsTheEagerLoopOnModuleAndOptimizer() {
        Sequential compiledModel = module();
        Sequential eagerModel = module();
        Adam compiledAdam = new Adam(0.01, 0.9, 0.999, 1e-8, 1e-3);
        Adam eagerAdam = new Adam(0.01, 0.9, 0.999, 1e-8, 1e-3);
        LearningRateSchedule schedule = LearningRateSchedule.cosine(0.01, 12, 0.001);
        Trainer compiled = new Trainer(compiledModel, compiledAdam, Losses::crossEntropy).progress(false).epochLog(null)
                .clipGradientNorm(1).schedule(schedule);
        Trainer eager = new Trainer(eagerModel, eagerAdam, Losses::crossEntropy).progress(false).epochLog(null)
                .clipGradientNorm(1).schedule(schedule).compile(false);
        History hc = compiled.fit(loader(), loader(), 2);
        History he = eager.fit(loader(), loader(), 2);
        assertTrue(compiled.isCompiled());
        assertFalse(eager.isCompiled());
        assertNull(eager.trainedModel());
        assertClose("parameters and buffers", eagerModel.stateDict(), compiledModel.stateDict());
        assertClose("optimizer state", eagerAdam.state(), compiledAdam.state());
        assertEquals(eagerAdam.learningRate(), compiledAdam.learningRate(), 0, "the schedule drove both");
        assertEquals(he.last(History.VAL_ACCURACY).getAsDouble(), hc.last(History.VAL_ACCURACY).getAsDouble(), 1e-9);
        assertTrue(hc.last(History.VAL_ACCURACY).getAsDouble() > 0.6, "better than chance (0.25): " + java.util.Arrays.toString(hc.series(History.VAL_ACCURACY)));
        // the eager optimizer continues from the state the compiled steps left (moments and step counts)
        new Trainer(compiledModel, compiledAdam, Losses::crossEntropy).progress(false).epochLog(null).compile(false).fit(loader(), null, 1);
        new Trainer(eagerModel, eagerAdam, Losses::crossEntropy).progress(false).epochLog(null).compile(false).fit(loader(), null, 1);
        assertClose("parameters after an eager epoch more", eagerModel.stateDict(), compiledModel.stateDict());
    }

    private static void assertClose(String what, Map<String, Tensor> expected, Map<String, Tensor> actual) {
        assertEquals(expected.keySet(), actual.keySet(), what);
        for (var e : expected.entrySet()) {
            Tensor a = actual.get(e.getKey());
            assertTrue(e.getValue().allClose(a, 1e-4, 1e-5), what + ": " + e.getKey() + " max difference "
                    + e.getValue().to(DType.FLOAT64).sub(a.to(DType.FLOAT64)).abs().max().item());
        }
    }

    @Test
    void layersAsDataTrainWithAPureOptimizer() {
        SplittableRandom rng = new SplittableRandom(8);
        Layer model = new org.fluxion.models.Sequential(org.fluxion.models.Linear.create(6, 12, rng),
                org.fluxion.models.BatchNorm.create(12), org.fluxion.models.Activation.TANH,
                new org.fluxion.models.Dropout(0.1), org.fluxion.models.Linear.create(12, 4, rng));
        Trainer trainer = new Trainer(model, Transformations.adam(0.02), Losses::crossEntropy).progress(false).epochLog(null).seed(5);
        History h = trainer.fit(loader(), loader(), 3);
        assertTrue(trainer.isCompiled());
        Layer trained = trainer.trainedModel();
        assertNotNull(trained);
        assertFalse(Models.parameters(trained).getFirst().allClose(Models.parameters(model).getFirst(), 0, 0));
        assertTrue(h.last(History.VAL_ACCURACY).getAsDouble() > 0.9, java.util.Arrays.toString(h.series(History.VAL_ACCURACY)));
        assertEquals(h.last(History.VAL_ACCURACY).getAsDouble(), trainer.evaluate(loader()).accuracy(), 1e-12);
    }

    @Test
    void modulesWithoutAFunctionalFormTrainEagerlySayingWhy() {
        Supplier<Module> withLayerNorm = () -> new Sequential(new Linear(6, 8, new SplittableRandom(1)),
                new LayerNorm(8), Activation.relu(), new Linear(8, 4, new SplittableRandom(2)));
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true));
        Trainer trainer;
        History h;
        try {
            trainer = new Trainer(withLayerNorm.get(), new Adam(0.02), Losses::crossEntropy).progress(false).epochLog(null);
            h = trainer.fit(loader(), loader(), 2);
        } finally {
            System.setErr(saved);
        }
        assertFalse(trainer.isCompiled());
        String printed = err.toString();
        assertEquals(1, printed.lines().count(), printed);
        assertTrue(printed.contains("training eagerly") && printed.contains("layer 1 of the model") && printed.contains("LayerNorm"),
                printed);
        assertTrue(h.last(History.VAL_ACCURACY).getAsDouble() > 0.9);
    }
}
