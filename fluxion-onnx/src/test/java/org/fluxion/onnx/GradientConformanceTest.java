package org.fluxion.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.fluxion.autodiff.Functional;
import org.fluxion.jit.Jit;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every imported operator is differentiable: for each conformance model whose inputs are all floating point,
 * the gradient of {@code L = sum_k <u_k, output_k>} (random u, float64 inputs and weights) along a random
 * direction v must match the central difference {@code (L(x + h v) - L(x - h v)) / 2h}, eagerly and under
 * jit. Skipped when libonnx-testdata is absent.
 */
class GradientConformanceTest {
    private static final Path DATA = Path.of("/usr/share/libonnx-testdata/data");
    /**
     * Where the difference quotient is not the derivative, because the test's own data sit on a kink or a jump:
     * elu/selu/leakyrelu at 0, thresholdedrelu at its threshold, floor/round/sign at integers or 0, hardmax and
     * reduce_min with ties, acosh at 1 (infinite slope).
     */
    private static final Set<String> NOT_SMOOTH_AT_DATA = Set.of("test_elu_example", "test_selu_example",
            "test_leakyrelu_example", "test_thresholdedrelu_example", "test_floor_example", "test_round",
            "test_sign", "test_hardmax_one_hot", "test_reduce_min_default_axes_keepdims_example",
            "test_acosh_example");

    @ParameterizedTest
    @CsvSource({"node, 356", "pytorch-converted, 80", "pytorch-operator, 28"})
    void gradientsMatchFiniteDifferences(String suite, int atLeast) throws IOException {
        Path dir = DATA.resolve(suite);
        assumeTrue(Files.isDirectory(dir), "libonnx-testdata is not installed (" + dir + " missing)");
        List<String> failures = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> s = Files.list(dir)) {
            for (Path test : s.sorted().toList()) {
                String name = test.getFileName().toString();
                if (NOT_SMOOTH_AT_DATA.contains(name)) {
                    continue;
                }
                String problem;
                try {
                    problem = check(test);
                } catch (UnsupportedModelException e) {
                    continue;
                } catch (RuntimeException e) {
                    problem = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
                if (problem == null) {
                    checked++;
                } else if (!problem.equals("skip")) {
                    failures.add(name + ": " + problem);
                }
            }
        }
        System.out.println(suite + ": gradients of " + checked + " models match finite differences");
        assertTrue(failures.isEmpty(), failures.size() + " failures:\n" + String.join("\n", failures));
        assertTrue(checked >= atLeast, "only " + checked + " models checked, expected at least " + atLeast);
    }

    /** Null when the directional derivatives match, "skip" for models this check does not apply to. */
    private static String check(Path test) {
        OnnxModel m = Onnx.load(test.resolve("model.onnx"));
        Path set = test.resolve("test_data_set_0");
        List<Tensor> inputs = new ArrayList<>();
        for (int i = 0; Files.exists(set.resolve("input_" + i + ".pb")); i++) {
            Tensor x = TensorProtos.readFile(set.resolve("input_" + i + ".pb"));
            if (!x.dtype().isFloatingPoint() || x.size() == 0 || x.abs().max().item() > 1e4) {
                return "skip";   // also data that are not numbers of a sane size (uninitialized memory in old tests)
            }
            inputs.add(x.to(DType.FLOAT64));
        }
        if (inputs.isEmpty() || inputs.size() != m.inputNames().size()) {
            return "skip";
        }
        for (var node : m.proto().getGraph().getNodeList()) {
            if (node.getOpType().startsWith("Cast")) {
                return "skip";   // a cast to float32 inside: h = 1e-6 would drown in its rounding
            }
        }
        Map<String, Tensor> params = new LinkedHashMap<>();
        m.initializers().forEach((k, v) -> {
            if (v.dtype().isFloatingPoint()) params.put(k, v.to(DType.FLOAT64));
        });
        Tensor[] x = inputs.toArray(Tensor[]::new);
        Map<String, Tensor> first = run(m, x, params);
        java.util.Random rng = new java.util.Random(test.getFileName().toString().hashCode());
        Map<String, Tensor> u = new LinkedHashMap<>();
        first.forEach((k, v) -> {
            if (v.dtype().isFloatingPoint()) u.put(k, Tensor.randn(rng.nextLong(), v.dims()).to(DType.FLOAT64));
        });
        if (u.isEmpty()) {
            return "skip";
        }
        Function<Tensor[], Tensor> loss = xs -> {
            Map<String, Tensor> out = run(m, xs, params);
            Tensor l = Tensor.scalar(0, DType.FLOAT64);
            for (var e : u.entrySet()) l = l.add(out.get(e.getKey()).to(DType.FLOAT64).mul(e.getValue()).sum());
            return l;
        };
        int[] all = new int[x.length];
        for (int i = 0; i < all.length; i++) all[i] = i;
        Function<Tensor[], Functional.ValueAndGrads> vg = Functional.valueAndGrad(loss, all);
        Functional.ValueAndGrads eager = vg.apply(x);
        if (!Double.isFinite(eager.value().item())) {
            return "skip";   // e.g. sqrt or pow of negative data: NaN both ways
        }
        // Inputs without a gradient (Resize's scales, OneHot's depth: read as sizes) are not perturbed.
        Tensor[] v = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            v[i] = Tensor.randn(rng.nextLong(), x[i].dims()).to(DType.FLOAT64);
            Tensor g = eager.grads()[i];
            if (g == null || g.abs().max().item() == 0) v[i] = v[i].mul(0);
        }
        double h = 1e-6;
        Tensor[] plus = new Tensor[x.length];
        Tensor[] minus = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            plus[i] = x[i].add(v[i].mul(h));
            minus[i] = x[i].sub(v[i].mul(h));
        }
        double numeric = (loss.apply(plus).item() - loss.apply(minus).item()) / (2 * h);
        if (Double.isNaN(numeric)) {
            return "skip";   // the data sit at the edge of the domain (pow of a negative base, integer exponent)
        }
        // Under jit, the inputs without a gradient stay concrete (sizes must be known when tracing).
        List<Integer> active = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (v[i].abs().max().item() > 0) active.add(i);
        }
        if (active.isEmpty()) {
            return "skip";   // zero gradient everywhere (floor, ceil, hardmax): nothing to compare
        }
        Function<Tensor[], Tensor[]> jitGrad = Jit.jit(xs -> {
            Tensor[] full = x.clone();
            for (int k = 0; k < xs.length; k++) full[active.get(k)] = xs[k];
            int[] argnums = active.stream().mapToInt(Integer::intValue).toArray();
            return Functional.valueAndGrad(loss, argnums).apply(full).grads();
        });
        for (boolean jit : new boolean[] {false, true}) {
            Tensor[] g = eager.grads();
            if (jit) {
                Tensor[] some = jitGrad.apply(active.stream().map(i -> x[i]).toArray(Tensor[]::new));
                g = new Tensor[x.length];
                for (int k = 0; k < some.length; k++) g[active.get(k)] = some[k];
            }
            double analytic = 0;
            for (int i = 0; i < x.length; i++) {
                if (g[i] != null) analytic += g[i].mul(v[i]).sum().item();
            }
            if (!(Math.abs(analytic - numeric) <= 1e-5 + 1e-4 * Math.abs(numeric))) {
                return (jit ? "jit: " : "") + "directional derivative " + analytic + ", finite difference " + numeric;
            }
        }
        return null;
    }

    private static Map<String, Tensor> run(OnnxModel m, Tensor[] xs, Map<String, Tensor> params) {
        Map<String, Tensor> in = new LinkedHashMap<>();
        for (int i = 0; i < xs.length; i++) in.put(m.inputNames().get(i), xs[i]);
        return m.run(in, params);
    }
}
