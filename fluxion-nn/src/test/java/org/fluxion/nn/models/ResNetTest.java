package org.fluxion.nn.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.fluxion.autodiff.GradMode;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** torchvision's resnet18 by its numbers: the names, shapes and count of its state dict; a forward pass. */
class ResNetTest {
    @Test
    void resnet18HasTorchvisionsStateDict() {
        ResNet model = ResNet.resnet18(1000, new SplittableRandom(0));
        Map<String, Tensor> state = model.stateDict();
        // torchvision.models.resnet18(): 62 parameters and 60 buffers (20 batch norms), 11,689,512 scalars.
        assertEquals(62, model.parameters().size());
        assertEquals(122, state.size());
        assertEquals(11_689_512L, model.parameterCount());
        assertEquals(List.of("conv1.weight", "bn1.weight", "bn1.bias", "layer1.0.conv1.weight"),
                List.copyOf(model.parameters().keySet()).subList(0, 4));
        assertArrayEquals(new int[] {64, 3, 7, 7}, state.get("conv1.weight").dims());
        assertArrayEquals(new int[] {128, 64, 1, 1}, state.get("layer2.0.downsample.0.weight").dims());
        assertArrayEquals(new int[] {256}, state.get("layer3.0.downsample.1.running_var").dims());
        assertArrayEquals(new int[] {512, 512, 3, 3}, state.get("layer4.1.conv2.weight").dims());
        assertArrayEquals(new int[] {1000, 512}, state.get("fc.weight").dims());
        assertTrue(state.containsKey("layer4.1.bn2.num_batches_tracked"));
        assertTrue(!state.containsKey("layer1.0.downsample.0.weight"), "the first stage keeps its width: no projection");
    }

    @Test
    void forwardPassShapes() {
        ResNet model = new ResNet(new int[] {1, 1, 1, 1}, 4, 7, new SplittableRandom(1));
        model.eval();
        try (var scope = GradMode.noGrad()) {
            assertArrayEquals(new int[] {2, 7}, model.apply(Tensor.randn(new SplittableRandom(2), 2, 3, 40, 33)).dims());
        }
        assertThrows(IllegalArgumentException.class, () -> new ResNet(new int[] {1, 1, 1}, 4, 7, new SplittableRandom(1)));
        assertThrows(RuntimeException.class, () -> model.apply(Tensor.zeros(1, 1, 32, 32)));
    }
}
