package org.fluxion.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Issue 18 item 10: a model prints its layers (PyTorch's layout, Keras's parameter counts). */
class ModuleToStringTest {
    @Test
    void sequentialListsItsLayersWithTheirParameterCounts() {
        var rng = new SplittableRandom(1);
        Sequential mlp = new Sequential(new Flatten(), new Linear(784, 128, rng), Activation.relu(),
                new Linear(128, 10, rng));
        assertEquals("""
                Sequential(
                  (0): Flatten
                  (1): Linear 784->128, 100,480 parameters
                  (2): relu
                  (3): Linear 128->10, 1,290 parameters
                ), 101,770 parameters""", mlp.toString());
        assertEquals("Sequential[4]", mlp.label());
    }

    @Test
    void nestedContainersAreIndented() {
        var rng = new SplittableRandom(2);
        Map<String, Module> layers = new LinkedHashMap<>();
        layers.put("fc1", new Linear(4, 3, rng));
        layers.put("block", new Residual(new Sequential(new Linear(3, 3, rng), Activation.gelu())));
        layers.put("head", new Linear(3, 1, false, org.fluxion.tensor.DType.FLOAT32, rng));
        Sequential net = new Sequential(layers);
        assertEquals("""
                Sequential(
                  (fc1): Linear 4->3, 15 parameters
                  (block): Residual(
                    (body): Sequential(
                      (0): Linear 3->3, 12 parameters
                      (1): gelu
                    ), 12 parameters
                  ), 12 parameters
                  (head): Linear 3->1, 3 parameters
                ), 30 parameters""", net.toString());
        assertEquals("Residual(Sequential[2])", net.layer("block").label());
    }

    @Test
    void errorsStillNameALayerInOneLine() {
        var rng = new SplittableRandom(3);
        Sequential inner = new Sequential(new Linear(5, 2, rng));
        Sequential net = new Sequential(new Linear(3, 4, rng), inner);
        LayerInputException e = assertThrows(LayerInputException.class, () -> net.apply(Tensor.zeros(2, 3)));
        assertEquals("layer 1 (layer 0 (Linear 5->2)) expected input [..., 5], got [2, 4]", e.getMessage());
    }

    @Test
    void aModuleWithoutChildrenOrItsOwnDescriptionIsItsClassName() {
        Module custom = new Module() {
            @Override
            public Tensor apply(Tensor x) {
                return x;
            }
        };
        assertEquals("Module", custom.toString(), "an anonymous class has no simple name");
        assertEquals("Flatten", new Flatten().toString());
    }
}
