package org.fluxion.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.fluxion.nn.BatchNorm2d;
import org.fluxion.nn.Conv2d;
import org.fluxion.nn.Linear;
import org.fluxion.nn.Sequential;
import org.fluxion.nn.models.ResNet;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading state dicts by name: a checkpoint PyTorch saved from torchvision's ResNet (names such as
 * {@code layer1.0.conv1.weight}, {@code bn1.num_batches_tracked}) gives the same outputs in a Fluxion model
 * of the same structure; PyTorch's strict/non-strict reports; shape mismatches; nothing copied on failure.
 */
class StateDictsTest {
    @TempDir
    Path dir;

    /** The same network in PyTorch, trained one step so that the running statistics are not the defaults. */
    private static final String TORCH_SCRIPT = """
            import json, struct, sys, torch, torch.nn as nn, torch.nn.functional as F
            torch.manual_seed(0)
            class BasicBlock(nn.Module):  # torchvision.models.resnet.BasicBlock
                def __init__(self, i, o, s):
                    super().__init__()
                    self.conv1 = nn.Conv2d(i, o, 3, s, 1, bias=False); self.bn1 = nn.BatchNorm2d(o)
                    self.relu = nn.ReLU(inplace=True)
                    self.conv2 = nn.Conv2d(o, o, 3, 1, 1, bias=False); self.bn2 = nn.BatchNorm2d(o)
                    self.downsample = None if s == 1 and i == o else nn.Sequential(
                        nn.Conv2d(i, o, 1, s, bias=False), nn.BatchNorm2d(o))
                def forward(self, x):
                    y = self.relu(self.bn1(self.conv1(x)))
                    y = self.bn2(self.conv2(y))
                    return self.relu(y + (x if self.downsample is None else self.downsample(x)))
            class ResNet(nn.Module):  # torchvision.models.resnet.ResNet, stages of one block, width 8
                def __init__(self, w=8, classes=10):
                    super().__init__()
                    self.conv1 = nn.Conv2d(3, w, 7, 2, 3, bias=False); self.bn1 = nn.BatchNorm2d(w)
                    self.relu = nn.ReLU(inplace=True); self.maxpool = nn.MaxPool2d(3, 2, 1)
                    self.layer1 = nn.Sequential(BasicBlock(w, w, 1)); self.layer2 = nn.Sequential(BasicBlock(w, 2 * w, 2))
                    self.layer3 = nn.Sequential(BasicBlock(2 * w, 4 * w, 2)); self.layer4 = nn.Sequential(BasicBlock(4 * w, 8 * w, 2))
                    self.avgpool = nn.AdaptiveAvgPool2d((1, 1)); self.fc = nn.Linear(8 * w, classes)
                def forward(self, x):
                    x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
                    x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
                    return self.fc(torch.flatten(self.avgpool(x), 1))
            m = ResNet()
            m(torch.randn(4, 3, 32, 32))  # training mode: moves the running statistics
            m.eval()
            x = torch.randn(2, 3, 32, 32)
            with torch.no_grad():
                y = m(x)
            codes = {torch.float32: 'F32', torch.float16: 'F16', torch.bfloat16: 'BF16', torch.int64: 'I64'}
            for dtype in ('float32', 'float16', 'bfloat16'):
                tensors = {k: (v.to(getattr(torch, dtype)) if v.is_floating_point() else v)
                           for k, v in m.state_dict().items()}
                tensors['__input'] = x; tensors['__output'] = y
                header, blobs, offset = {}, [], 0
                for k, v in tensors.items():
                    b = v.contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()
                    header[k] = {'dtype': codes[v.dtype], 'shape': list(v.shape), 'data_offsets': [offset, offset + len(b)]}
                    blobs.append(b); offset += len(b)
                h = json.dumps(header).encode()
                h += b' ' * (-len(h) % 8)
                with open(sys.argv[1] + '/resnet-' + dtype + '.safetensors', 'wb') as f:
                    f.write(struct.pack('<Q', len(h))); f.write(h); f.write(b''.join(blobs))
            """;

    @Test
    void aPyTorchCheckpointGivesPyTorchsOutputs() throws Exception {
        Assumptions.assumeTrue(hasTorch(), "/usr/bin/python3 with torch is not available: the PyTorch checkpoint "
                + "is not made, and this test is skipped (apt install python3-torch to run it)");
        runPython(TORCH_SCRIPT, dir.toString());
        for (String dtype : List.of("float32", "float16", "bfloat16")) {
            Path file = dir.resolve("resnet-" + dtype + ".safetensors");
            Map<String, Tensor> tensors = new LinkedHashMap<>(SafeTensors.read(file).tensors());
            Tensor input = tensors.remove("__input");
            Tensor expected = tensors.remove("__output");
            assertEquals(dtype, tensors.get("layer1.0.conv1.weight").dtype().label());
            ResNet model = new ResNet(new int[] {1, 1, 1, 1}, 8, 10, new SplittableRandom(1));
            StateDicts.Report report = StateDicts.load(model, tensors, true);
            assertTrue(report.allMatched(), report.toString());
            assertEquals("<All keys matched successfully>", report.toString());
            assertEquals(1L, model.stateDict().get("layer3.0.bn2.num_batches_tracked").toLongArray()[0]); // PyTorch trained one batch
            model.eval();
            float[] actual = model.apply(input).toFloatArray();
            float[] reference = expected.toFloatArray();
            // float32 weights: the same arithmetic up to summation order. 16-bit weights: the same rounded
            // weights in both, computed in float32 by PyTorch's forward on the float32 model it saved from,
            // so only the weights' rounding separates the two.
            double tolerance = dtype.equals("float32") ? 1e-4 : dtype.equals("float16") ? 2e-2 : 1.5e-1;
            for (int i = 0; i < actual.length; i++) {
                assertEquals(reference[i], actual[i], tolerance, dtype + " output " + i);
            }
        }
    }

    private static Sequential small(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        return new Sequential(new Conv2d(1, 2, 3, 1, 1, rng), new BatchNorm2d(2), new org.fluxion.nn.Flatten(),
                new Linear(2 * 4 * 4, 3, rng));
    }

    @Test
    void aGeneratedHalfPrecisionCheckpointRoundTripsByName() throws IOException {
        Sequential saved = small(1);
        saved.apply(Tensor.randn(new SplittableRandom(3), 2, 1, 4, 4)); // moves the running statistics
        Map<String, Tensor> half = new LinkedHashMap<>();
        saved.stateDict().forEach((k, v) -> half.put(k, v.dtype().isFloatingPoint() ? v.to(DType.FLOAT16) : v));
        Path file = dir.resolve("half.safetensors");
        SafeTensors.write(file, half, Map.of());
        assertEquals(List.of("0.weight", "0.bias", "1.weight", "1.bias", "3.weight", "3.bias", "1.running_mean",
                "1.running_var", "1.num_batches_tracked"), List.copyOf(saved.stateDict().keySet()));

        Sequential loaded = small(2);
        assertTrue(StateDicts.load(loaded, file, true).allMatched());
        for (var e : saved.stateDict().entrySet()) {
            Tensor mine = loaded.stateDict().get(e.getKey());
            assertEquals(e.getValue().dtype(), mine.dtype(), e.getKey());
            Tensor expected = e.getValue().dtype().isFloatingPoint() ? e.getValue().to(DType.FLOAT16).to(DType.FLOAT32) : e.getValue();
            assertArrayEquals(expected.toDoubleArray(), mine.toDoubleArray(), e.getKey());
        }
    }

    @Test
    void reportsMissingUnexpectedAndMisshapedAsPyTorchDoes() {
        Sequential model = small(1);
        Map<String, Tensor> state = new LinkedHashMap<>(small(2).stateDict());
        state.remove("3.bias");
        state.remove("1.num_batches_tracked");
        state.put("head.weight", Tensor.zeros(2));
        Tensor before = model.stateDict().get("0.weight").copy();

        StateDicts.Report report = StateDicts.load(model, state, false);
        assertEquals(List.of("3.bias", "1.num_batches_tracked"), report.missing());
        assertEquals(List.of("head.weight"), report.unexpected());
        assertEquals("Missing key(s): \"3.bias\", \"1.num_batches_tracked\"\nUnexpected key(s): \"head.weight\"",
                report.toString());
        assertArrayEquals(state.get("0.weight").toFloatArray(), model.stateDict().get("0.weight").toFloatArray());

        Sequential strict = small(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StateDicts.load(strict, state, true));
        assertEquals("Error(s) in loading state_dict for Sequential[4]:"
                + "\n\tMissing key(s) in state_dict: \"3.bias\", \"1.num_batches_tracked\"."
                + "\n\tUnexpected key(s) in state_dict: \"head.weight\".", e.getMessage());
        assertArrayEquals(before.toFloatArray(), strict.stateDict().get("0.weight").toFloatArray(), "nothing copied");

        state.put("3.bias", Tensor.zeros(4));
        state.put("1.num_batches_tracked", Tensor.zeros(DType.INT64));
        state.remove("head.weight");
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> StateDicts.load(strict, state, false));
        assertEquals("Error(s) in loading state_dict for Sequential[4]:\n\tsize mismatch for 3.bias: copying a param "
                + "with shape [4] from checkpoint, the shape in current model is [3].", shape.getMessage());
    }

    private static boolean hasTorch() {
        try {
            runPython("import torch");
            return true;
        } catch (IOException | IllegalStateException e) {
            return false;
        }
    }

    private static void runPython(String script, String... args) throws IOException {
        if (!Files.isExecutable(Path.of("/usr/bin/python3"))) {
            throw new IllegalStateException("no /usr/bin/python3");
        }
        List<String> command = new java.util.ArrayList<>(List.of("/usr/bin/python3", "-c", script));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("python3 failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
