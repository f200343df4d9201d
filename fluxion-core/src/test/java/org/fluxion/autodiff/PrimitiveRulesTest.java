package org.fluxion.autodiff;

import static org.fluxion.testing.MessageAssertions.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.fluxion.jit.Jit;
import org.fluxion.transforms.Vmap;
import org.fluxion.ops.BinaryOp;
import org.fluxion.ops.CompilerMultiOutput;
import org.fluxion.ops.CompilerPrimitive;
import org.fluxion.ops.CustomMultiOutput;
import org.fluxion.ops.CustomPrimitive;
import org.fluxion.ops.Primitive;
import org.fluxion.ops.ReduceOp;
import org.fluxion.ops.UnaryOp;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The conformance suite: every primitive's JVP and VJP rules against finite differences, compiled rules
 * against eager ones, and batching rules against a loop of single examples.
 */
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

    /** Fails when a primitive (a constant of an elementwise or reduce enum) has no spec row. */
    @Test
    void everyPrimitiveHasASpec() {
        Set<String> keys = PrimitiveSpecs.all().stream().map(PrimitiveSpecs.Spec::key).collect(Collectors.toSet());
        Set<String> missing = new TreeSet<>();
        for (String key : primitiveKeys()) {
            if (!keys.contains(key)) {
                missing.add(key);
            }
        }
        assertTrue(missing.isEmpty(), "primitives without a spec in PrimitiveSpecs: " + missing);
    }

    /**
     * The compiler's primitives with derivative rules, which sit behind the open {@link CompilerPrimitive}
     * door and so cannot be listed by the sealed hierarchy: the structured operations of Control (one
     * primitive of several outputs each, {@code transforms.Structured}), whose specs run under jit and, at
     * order 2, through their derivative operations; Remat is a checkpointed call.
     * The others (Fused, MatMulBias) exist only in compiled plans, after differentiation and batching,
     * and are not rows of the rule table.
     */
    static final List<String> COMPILER_PRIMITIVES_WITH_RULES =
            List.of("Control.cond", "Control.whileLoop", "Control.scan", "Remat");

    /**
     * Every primitive: the records of the sealed {@link Primitive} hierarchy (enums by constant), found
     * through {@link Class#getPermittedSubclasses()}, plus {@link #COMPILER_PRIMITIVES_WITH_RULES}. Users'
     * primitives ({@link CustomPrimitive}) bring their own rules and tests.
     */
    static Set<String> primitiveKeys() {
        Set<String> keys = new TreeSet<>(COMPILER_PRIMITIVES_WITH_RULES);
        addPermitted(Primitive.class, keys);
        return keys;
    }

    /** The non-sealed interfaces of the hierarchy: users' primitives and the compiler's, found elsewhere. */
    private static final Set<Class<?>> OPEN_DOORS = Set.of(CustomPrimitive.class, CompilerPrimitive.class,
            CustomMultiOutput.class, CompilerMultiOutput.class);

    private static void addPermitted(Class<?> c, Set<String> keys) {
        if (OPEN_DOORS.contains(c)) {
            return;
        }
        if (c.isSealed()) {
            for (Class<?> sub : c.getPermittedSubclasses()) {
                addPermitted(sub, keys);
            }
            return;
        }
        assertTrue(c.isRecord() || Modifier.isFinal(c.getModifiers()), c + " is neither sealed nor final");
        switch (c.getSimpleName()) {
            case "Unary" -> Stream.of(UnaryOp.values()).forEach(op -> keys.add("Unary." + op.name()));
            case "Binary" -> Stream.of(BinaryOp.values()).forEach(op -> keys.add("Binary." + op.name()));
            case "Reduce" -> Stream.of(ReduceOp.values()).forEach(op -> keys.add("Reduce." + op.name()));
            default -> keys.add(c.getSimpleName());
        }
    }

    /** The guard sees the hierarchy, not a list: a few known members of each kind are found. */
    @Test
    void primitiveKeysComeFromTheSealedHierarchy() {
        Set<String> keys = primitiveKeys();
        for (String k : List.of("Unary.EXP", "Binary.ADD", "Reduce.SUM", "Reshape", "Conv2dWeightGrad", "MatMul",
                "Split", "TopK")) {
            assertTrue(keys.contains(k), k + " missing from " + keys);
        }
    }

    // ---------------------------------------------------------------- the vmap column

    /**
     * Each batching rule against a loop of single examples: a batch of two examples per input (the spec's
     * generator with two seeds, stacked on a new axis 0); {@code vmap} of the spec's function with every
     * input batched, with only the first batched and with only the last batched (the others shared, those
     * of the first example), equals the function applied per example with the results stacked.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void batchingRulesMatchALoopOfExamples(PrimitiveSpecs.Spec spec) {
        Tensor[] a = spec.inputs().apply(new Random(11));
        Tensor[] b = spec.inputs().apply(new Random(12));
        int n = a.length;
        checkBatched(spec, a, b, new boolean[n], -1);
        if (n > 1) {
            checkBatched(spec, a, b, new boolean[n], 0);
            checkBatched(spec, a, b, new boolean[n], n - 1);
        }
    }

    /** {@code vmap} of the spec with input {@code only} batched (all when -1) against the loop. */
    private static void checkBatched(PrimitiveSpecs.Spec spec, Tensor[] a, Tensor[] b, boolean[] batched, int only) {
        int n = a.length;
        int[] axes = new int[n];
        Tensor[] args = a.clone();
        Tensor[] second = a.clone();
        for (int i = 0; i < n; i++) {
            boolean on = only == -1 || only == i;
            axes[i] = on ? 0 : -1;
            if (on) {
                args[i] = Tensor.stack(0, a[i], b[i]);
                second[i] = b[i];
            }
        }
        Tensor expected = Tensor.stack(0, spec.f().apply(a), spec.f().apply(second));
        Tensor actual = Vmap.vmapN(x -> new Tensor[] {spec.f().apply(x)}, axes).apply(args)[0];
        assertClose(spec.key() + " vmap with in_axes " + Arrays.toString(axes), expected, actual);
    }
}
