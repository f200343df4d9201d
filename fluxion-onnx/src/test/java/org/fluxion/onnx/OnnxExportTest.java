package org.fluxion.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.fluxion.ops.Conv2dOptions;
import org.fluxion.ops.Convolutions;
import org.fluxion.ops.Pool2dOptions;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxExportTest {
    @TempDir
    Path dir;

    /** A small CNN: conv, relu, max pool, flatten, a linear layer normalized like layer norm, softmax. */
    private static Function<Tensor, Tensor> cnn() {
        Tensor kernel = Tensor.randn(1, 4, 2, 3, 3);
        Tensor bias = Tensor.randn(2, 4);
        Tensor w = Tensor.randn(3, 4 * 4 * 4, 5);
        Tensor b = Tensor.randn(4, 5);
        return x -> {
            Tensor h = Convolutions.conv2d(x, kernel, bias, Conv2dOptions.of(1, 1)).relu();
            h = Convolutions.maxPool2d(h, Pool2dOptions.of(2)).flatten(1, -1);
            Tensor z = h.matmul(w).add(b);
            Tensor centered = z.sub(z.mean(new int[] {1}, true));
            Tensor normed = centered.mul(centered.square().mean(new int[] {1}, true).add(1e-5).rsqrt());
            Tensor padded = normed.pad(new int[] {0, 0, 1, 0}, 0).slice(1, 0, 5);
            return Tensor.where(padded.gt(0), padded.tanh(), padded.exp().sub(1)).softmax(-1);
        };
    }

    @Test
    void exportedFunctionReimportsWithTheSameOutputs() throws Exception {
        Function<Tensor, Tensor> f = cnn();
        Tensor x = Tensor.randn(5, 2, 2, 8, 8);
        Path file = dir.resolve("cnn.onnx");
        Onnx.export(f, x, file);
        OnnxModel m = Onnx.load(file);
        assertEquals(1, m.inputNames().size());
        // The kernel, bias and weights are initializers, not inputs.
        assertTrue(m.parameterCount() >= 4 * 2 * 9 + 4 + 64 * 5 + 5, "parameters: " + m.parameterCount());
        Tensor y = m.function().apply(new Tensor[] {x})[0];
        assertTrue(y.allClose(f.apply(x), 1e-5, 1e-6), y + " vs " + f.apply(x));
    }

    @Test
    void exportedModelPassesOnnxsChecker() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "no /usr/bin/python3: ONNX checker not run");
        Process probe = new ProcessBuilder(python.toString(), "-c", "import onnx").redirectErrorStream(true).start();
        assumeTrue(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "python3-onnx is not installed: ONNX checker not run");
        Path file = dir.resolve("cnn.onnx");
        Onnx.export(cnn(), Tensor.randn(5, 2, 2, 8, 8), file);
        Process check = new ProcessBuilder(python.toString(), "-c",
                "import onnx, sys; m = onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True)",
                file.toString()).redirectErrorStream(true).start();
        String out = new String(check.getInputStream().readAllBytes());
        assertTrue(check.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, check.exitValue(), out);
    }

    @Test
    void aPrimitiveWithoutAnOnnxFormIsNamed() {
        // A convolution's weight gradient is a kernel of its own, with no ONNX operator.
        Function<Tensor, Tensor> f = x -> Convolutions.conv2dWeightGrad(x, x, org.fluxion.tensor.Shape.of(2, 2, 1, 1),
                Conv2dOptions.DEFAULT);
        OnnxException e = org.junit.jupiter.api.Assertions.assertThrows(OnnxException.class,
                () -> Onnx.export(f, Tensor.randn(1, 1, 2, 3, 3), dir.resolve("grad.onnx")));
        assertTrue(e.getMessage().contains("has no ONNX form") && e.getMessage().contains("conv2d"), e.getMessage());
    }
}
