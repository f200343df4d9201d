package org.fluxion.autodiff;

import static org.fluxion.testing.MessageAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.fluxion.jit.Jit;
import org.fluxion.ops.BinaryOp;
import org.fluxion.ops.Primitive;
import org.fluxion.ops.ReduceOp;
import org.fluxion.ops.UnaryOp;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The conformance suite: every primitive's JVP and VJP rules against finite differences. */
class PrimitiveRulesTest {
    static Stream<PrimitiveSpecs.Spec> specs() {
        return PrimitiveSpecs.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void rulesMatchFiniteDifferences(PrimitiveSpecs.Spec spec) {
        for (long seed = 1; seed <= 2; seed++) {
            Tensor[] xs = spec.inputs().apply(new Random(seed));
            if (spec.differentiable()) {
                GradCheck.check(spec.key(), spec.f(), xs, spec.tol(), spec.order(), seed, spec.forward());
            } else {
                Tensor[] v = new Tensor[xs.length];
                for (int i = 0; i < xs.length; i++) {
                    v[i] = GradCheck.randnLike(xs[i], new Random(seed));
                }
                for (double t : Functional.jvp(spec.f(), xs, v).tangent().toDoubleArray()) {
                    assertEquals(0, t, spec.key() + ": tangent must be zero");
                }
                Tensor y = spec.f().apply(xs);
                if (!y.dtype().isFloatingPoint()) {
                    // An integer or bool output has no derivative: reverse mode says so (issue 9, item 5).
                    var e = assertThrows(IllegalArgumentException.class, () -> Functional.vjp(spec.f(), xs));
                    assertMessage(e, "vjp", y.dtype().label(), "not floating point");
                    continue;
                }
                Functional.VjpResult r = Functional.vjp(spec.f(), xs);
                for (Tensor ct : r.pullback().apply(Tensor.ones(r.value().dtype(), r.value().dims()))) {
                    for (double c : ct.toDoubleArray()) {
                        assertEquals(0, c, spec.key() + ": cotangent must be zero");
                    }
                }
            }
        }
    }

    /**
     * The same rules compiled: {@code jit(f)}, {@code jit(vjp(f))} and {@code jit(jvp(f))} (traced, optimized,
     * fused into generated kernels) equal the eager values, which the test above checks against finite
     * differences.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void compiledRulesMatchEager(PrimitiveSpecs.Spec spec) {
        Tensor[] xs = spec.inputs().apply(new Random(3));
        Function<Tensor[], Tensor> f = spec.f();
        Tensor value = f.apply(xs);
        assertClose(spec.key() + " jit", value, Jit.jit((List<Tensor> a) -> f.apply(a.toArray(Tensor[]::new))).apply(List.of(xs)));
        if (!spec.differentiable()) {
            return;
        }
        Tensor u = GradCheck.randnLike(value, new Random(4));
        Tensor[] eagerCts = Functional.vjp(f, xs).pullback().apply(u);
        List<Tensor> jitCts = Jit.jit((List<Tensor> a) -> List.of(Functional.vjp(f, a.toArray(Tensor[]::new))
                .pullback().apply(u))).apply(List.of(xs));
        for (int i = 0; i < xs.length; i++) {
            assertClose(spec.key() + " jit(vjp) cotangent " + i, eagerCts[i], jitCts.get(i));
        }
        if (spec.forward()) {
            Tensor[] v = new Tensor[xs.length];
            for (int i = 0; i < xs.length; i++) {
                v[i] = GradCheck.randnLike(xs[i], new Random(5 + i));
            }
            Tensor eagerT = Functional.jvp(f, xs, v).tangent();
            Tensor jitT = Jit.jit((List<Tensor> a) -> Functional.jvp(f, a.toArray(Tensor[]::new), v).tangent())
                    .apply(List.of(xs));
            assertClose(spec.key() + " jit(jvp)", eagerT, jitT);
        }
    }

    private static void assertClose(String what, Tensor expected, Tensor actual) {
        assertArrayEquals(expected.dims(), actual.dims(), what + ": shape");
        double[] e = expected.toDoubleArray();
        double[] a = actual.toDoubleArray();
        for (int k = 0; k < e.length; k++) {
            assertEquals(e[k], a[k], 1e-9 * (1 + Math.abs(e[k])), what + ": element " + k);
        }
    }

    /** Fails when a primitive class (or a constant of an elementwise or reduce enum) has no spec row. */
    @Test
    void everyPrimitiveHasASpec() throws IOException, URISyntaxException, ClassNotFoundException {
        Set<String> keys = PrimitiveSpecs.all().stream().map(PrimitiveSpecs.Spec::key).collect(Collectors.toSet());
        Set<String> missing = new TreeSet<>();
        for (String key : primitiveKeys()) {
            if (!keys.contains(key)) {
                missing.add(key);
            }
        }
        assertTrue(missing.isEmpty(), "primitives without a gradient spec in PrimitiveSpecs: " + missing);
    }

    /** Every concrete Primitive class of org.fluxion.ops (and jit's with rules), found on the class path; enums by constant. */
    static Set<String> primitiveKeys() throws IOException, URISyntaxException, ClassNotFoundException {
        Path dir = Path.of(Primitive.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolve("org/fluxion/ops");
        Set<String> keys = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String file = p.getFileName().toString();
                if (!file.endsWith(".class")) {
                    continue;
                }
                Class<?> c = Class.forName("org.fluxion.ops." + file.substring(0, file.length() - 6));
                if (!Primitive.class.isAssignableFrom(c) || c.isInterface() || Modifier.isAbstract(c.getModifiers())) {
                    continue;
                }
                switch (c.getSimpleName()) {
                    case "Unary" -> Stream.of(UnaryOp.values()).forEach(op -> keys.add("Unary." + op.name()));
                    case "Binary" -> Stream.of(BinaryOp.values()).forEach(op -> keys.add("Binary." + op.name()));
                    case "Reduce" -> Stream.of(ReduceOp.values()).forEach(op -> keys.add("Reduce." + op.name()));
                    default -> keys.add(c.getSimpleName());
                }
            }
        }
        // The jit package's primitives with derivative rules: Projection (an output of a structured
        // operation or of its derivative operations) stands for each structured operation of Control, whose
        // specs run under jit and, at order 2, through the derivative operations. Kernels without rules that
        // only compiled plans run (fused ones) are not rows of the rule table.
        try (Stream<Path> files = Files.list(dir.resolveSibling("jit"))) {
            for (Path p : files.toList()) {
                String file = p.getFileName().toString();
                if (!file.endsWith(".class")) {
                    continue;
                }
                Class<?> c = Class.forName("org.fluxion.jit." + file.substring(0, file.length() - 6));
                if (!Primitive.class.isAssignableFrom(c) || c.isInterface() || !declaresVjp(c)) {
                    continue;
                }
                if (c.getSimpleName().equals("Projection")) {
                    Stream.of("cond", "whileLoop", "scan").forEach(op -> keys.add("Control." + op));
                } else {
                    keys.add(c.getSimpleName());
                }
            }
        }
        return keys;
    }

    private static boolean declaresVjp(Class<?> c) {
        try {
            c.getDeclaredMethod("vjp", Tensor.class, Tensor[].class, Tensor.class);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
