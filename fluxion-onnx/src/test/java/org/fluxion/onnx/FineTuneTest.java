package org.fluxion.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.Jit;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Fine-tuning a subset of an imported model's initializers by gradient descent, eagerly and as one jit step. */
class FineTuneTest {
    @Test
    void trainingTheLastLayerOfAnImportedNetworkLowersItsLoss() {
        OnnxModel m = Onnx.load(Models.mlp().toByteArray(), null, "mlp.onnx");
        Tensor x = Tensor.randn(20, 64, 4);
        // The target: the same network with another last layer, which the fine-tuning should move towards.
        Tensor target = m.run(Map.of("x", x), Map.of("w2", Tensor.randn(21, 8, 3), "b2", Tensor.randn(22, 3)))
                .get("y");
        Function<Map<String, Tensor>, Tensor> loss = p -> m.run(Map.of("x", x), p).get("y").sub(target).square().mean();
        Function<Map<String, Tensor>, Map<String, Tensor>> step = p -> {
            Map<String, Tensor> g = Functional.treeGrad(loss).apply(p);
            Map<String, Tensor> next = new LinkedHashMap<>();
            p.forEach((k, v) -> next.put(k, v.sub(g.get(k).mul(2.0))));
            return next;
        };
        Map<String, Tensor> start = new LinkedHashMap<>();
        start.put("w2", m.initializers().get("w2"));
        start.put("b2", m.initializers().get("b2"));
        double before = loss.apply(start).item();

        Map<String, Tensor> eager = start;
        for (int i = 0; i < 100; i++) eager = step.apply(eager);
        Function<Map<String, Tensor>, Map<String, Tensor>> compiled = Jit.jit(step);
        Map<String, Tensor> jitted = start;
        for (int i = 0; i < 100; i++) jitted = compiled.apply(jitted);

        double after = loss.apply(eager).item();
        assertTrue(after < before / 4, "loss " + before + " -> " + after);
        assertTrue(jitted.get("w2").allClose(eager.get("w2"), 1e-4, 1e-5));
        // The model's own initializers are untouched: parameters are passed, not written back.
        assertEquals(start.get("w2"), m.initializers().get("w2"));
    }
}
