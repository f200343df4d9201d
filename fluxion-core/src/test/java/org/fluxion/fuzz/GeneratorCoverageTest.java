package org.fluxion.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The seeds {@link DifferentialFuzzTest} runs in CI contain the patterns the fuzzer exists for: a change to
 * {@link Generator} that stops producing one of them makes the fuzzer blind to its class of bugs, and
 * fails here.
 */
class GeneratorCoverageTest {
    private static String text(Program p, Program.Node n) {
        String[] names = new String[n.args().length];
        for (int j = 0; j < names.length; j++) {
            names[j] = p.name(n.args()[j]);
        }
        return n.java().apply(names);
    }

    private static int[] dims(Program p, int value) {
        int in = p.inputs.size();
        return value < in ? p.inputs.get(value).dims() : p.nodes.get(value - in).dims();
    }

    /** {@code matmul(a, b) + c} with a square product {@code [n, n]}, n > 1, and c a column {@code [n, 1]}. */
    private static boolean columnBiasOnSquareProduct(Program p) {
        int in = p.inputs.size();
        for (Program.Node n : p.nodes) {
            if (!text(p, n).matches("\\S+\\.add\\(\\S+\\)") || n.dims().length != 2 || n.dims()[0] != n.dims()[1]
                    || n.dims()[0] < 2) {
                continue;
            }
            for (int k = 0; k < 2; k++) {
                int product = n.args()[k];
                int bias = n.args()[1 - k];
                if (product >= in && text(p, p.nodes.get(product - in)).contains(".matmul(")
                        && Arrays.equals(dims(p, bias), new int[] {n.dims()[0], 1})) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean anyNode(Program p, String fragment) {
        return p.nodes.stream().anyMatch(n -> text(p, n).contains(fragment));
    }

    @Test
    void ciSeedsCoverTheIntendedPatterns() {
        Map<String, Predicate<Program>> patterns = new LinkedHashMap<>();
        patterns.put("matmul(a, b) + c, square product, column bias [n, 1]",
                GeneratorCoverageTest::columnBiasOnSquareProduct);
        patterns.put("batched matmul", p -> p.nodes.stream().anyMatch(n -> text(p, n).contains(".matmul(")
                && n.dims().length == 3));
        patterns.put("a non-contiguous argument", p -> p.inputs.stream().anyMatch(Program.Input::nonContiguous));
        patterns.put("the same tensor as two arguments", p -> p.inputs.stream().anyMatch(i -> i.aliasOf() >= 0));
        patterns.put("an argument not batched under vmap", p -> p.inputs.stream().anyMatch(i -> i.batchAxis() < 0));
        patterns.put("a size-1 axis", p -> p.inputs.stream().anyMatch(i -> Arrays.stream(i.dims()).anyMatch(d -> d == 1)));
        patterns.put("an axis past the threading grain", p -> p.nodes.stream().anyMatch(n -> Arrays.stream(n.dims())
                .asLongStream().reduce(1, (a, b) -> a * b) > 16384));
        for (String op : List.of("keepDims", ".softmax(", ".logsumexp(", ".gather(", ".indexSelect(", ".scatterAdd(",
                "Tensor.where(", "Tensor.concat(", ".expand(", ".permute(", ".slice(", "Control.cond(", "Control.fori(",
                "Control.whileLoop(", "Control.scan(")) {
            String fragment = op.equals("keepDims") ? ", true)" : op;
            patterns.put(op, p -> anyNode(p, fragment));
        }
        List<String> missing = new ArrayList<>(patterns.keySet());
        for (long seed = DifferentialFuzzTest.DEFAULT_FIRST_SEED;
             seed < DifferentialFuzzTest.DEFAULT_FIRST_SEED + DifferentialFuzzTest.DEFAULT_CASES && !missing.isEmpty();
             seed++) {
            Program p = Generator.generate(seed);
            missing.removeIf(name -> patterns.get(name).test(p));
        }
        assertTrue(missing.isEmpty(), "no program of the CI seeds has: " + missing);
    }
}
