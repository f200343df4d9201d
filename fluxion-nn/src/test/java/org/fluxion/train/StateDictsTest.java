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
import org.fluxion.nn.Activations;
import org.fluxion.nn.BatchNorm2d;
import org.fluxion.nn.Conv2d;
import org.fluxion.nn.GlobalAvgPool2d;
import org.fluxion.nn.Linear;
import org.fluxion.nn.Module;
import org.fluxion.nn.Sequential;
import org.fluxion.ops.Conv2dOptions;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading state dicts by name: a checkpoint PyTorch saved from torchvision's ResNet layout (names such as
 * {@code layer1.0.conv1.weight}, {@code bn1.num_batches_tracked}) gives the same outputs in a Fluxion model
 * of the same structure; PyTorch's strict/non-strict reports; shape mismatches; nothing copied on failure.
 */
class StateDictsTest {
    @TempDir
    Path dir;

    /** torchvision's BasicBlock: two 3x3 convolutions with batch norm, a projection when the shape changes. */
    static final class BasicBlock extends Module {
        final Conv2d conv1;
        final BatchNorm2d bn1;
        final Conv2d conv2;
        final BatchNorm2d bn2;
        final Sequential downsample;

        BasicBlock(int in, int out, int stride, SplittableRandom rng) {
            conv1 = new Conv2d(in, out, 3, Conv2dOptions.of(stride, 1), false, DType.FLOAT32, rng);
            bn1 = new BatchNorm2d(out);
            conv2 = new Conv2d(out, out, 3, Conv2dOptions.of(1, 1), false, DType.FLOAT32, rng);
            bn2 = new BatchNorm2d(out);
            downsample = stride == 1 && in == out ? null : new Sequential(
                    new Conv2d(in, out, 1, Conv2dOptions.of(stride, 0), false, DType.FLOAT32, rng), new BatchNorm2d(out));
        }

        @Override
        public Tensor apply(Tensor x) {
            Tensor y = Activations.relu(bn1.apply(conv1.apply(x)));
            y = bn2.apply(conv2.apply(y));
            return Activations.relu(y.add(downsample == null ? x : downsample.apply(x)));
        }

        @Override
        protected Map<String, Module> children() {
            return named("conv1", conv1, "bn1", bn1, "conv2", conv2, "bn2", bn2, "downsample", downsample);
        }
    }

    /** A two-stage ResNet with torchvision's child names (conv1, bn1, layer1, layer2, fc). */
    static final class TinyResNet extends Module {
        final Conv2d conv1;
        final BatchNorm2d bn1;
        final Sequential layer1;
        final Sequential layer2;
        final GlobalAvgPool2d pool = new GlobalAvgPool2d();
        final Linear fc;

        TinyResNet(SplittableRandom rng) {
            conv1 = new Conv2d(3, 8, 3, Conv2dOptions.of(1, 1), false, DType.FLOAT32, rng);
            bn1 = new BatchNorm2d(8);
            layer1 = new Sequential(new BasicBlock(8, 8, 1, rng));
            layer2 = new Sequential(new BasicBlock(8, 16, 2, rng));
            fc = new Linear(16, 10, rng);
        }

        @Override
        public Tensor apply(Tensor x) {
            Tensor y = Activations.relu(bn1.apply(conv1.apply(x)));
            return fc.apply(pool.apply(layer2.apply(layer1.apply(y))));
        }

        @Override
        protected Map<String, Module> children() {
            return named("conv1", conv1, "bn1", bn1, "layer1", layer1, "layer2", layer2, "fc", fc);
        }
    }

    /** The same network in PyTorch, trained one step so that the running statistics are not the defaults. */
    private static final String TORCH_SCRIPT = """
            import json, struct, sys, torch, torch.nn as nn, torch.nn.functional as F
            torch.manual_seed(0)
            class BasicBlock(nn.Module):
                def __init__(self, i, o, s):
                    super().__init__()
                    self.conv1 = nn.Conv2d(i, o, 3, s, 1, bias=False); self.bn1 = nn.BatchNorm2d(o)
                    self.conv2 = nn.Conv2d(o, o, 3, 1, 1, bias=False); self.bn2 = nn.BatchNorm2d(o)
                    self.downsample = None if s == 1 and i == o else nn.Sequential(
                        nn.Conv2d(i, o, 1, s, bias=False), nn.BatchNorm2d(o))
                def forward(self, x):
                    y = F.relu(self.bn1(self.conv1(x)))
                    y = self.bn2(self.conv2(y))
                    return F.relu(y + (x if self.downsample is None else self.downsample(x)))
            class TinyResNet(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.conv1 = nn.Conv2d(3, 8, 3, 1, 1, bias=False); self.bn1 = nn.BatchNorm2d(8)
                    self.layer1 = nn.Sequential(BasicBlock(8, 8, 1)); self.layer2 = nn.Sequential(BasicBlock(8, 16, 2))
                    self.fc = nn.Linear(16, 10)
                def forward(self, x):
                    y = F.relu(self.bn1(self.conv1(x)))
                    y = self.layer2(self.layer1(y))
                    return self.fc(y.mean((2, 3)))
            m = TinyResNet()
            m(torch.randn(4, 3, 12, 12))  # training mode: moves the running statistics
            m.eval()
            x = torch.randn(2, 3, 12, 12)
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
            TinyResNet model = new TinyResNet(new SplittableRandom(1));
            StateDicts.Report report = StateDicts.load(model, tensors, true);
            assertTrue(report.allMatched(), report.toString());
            assertEquals("<All keys matched successfully>", report.toString());
            assertEquals(1L, model.bn1.numBatchesTracked().toLongArray()[0]); // one training batch in PyTorch
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
