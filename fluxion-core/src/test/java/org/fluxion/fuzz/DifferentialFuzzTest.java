package org.fluxion.fuzz;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The differential fuzzer: random well-conditioned programs ({@link Generator}) evaluated in every mode
 * and compared ({@link Differential}); a failure prints, per failing seed, the two evaluations that
 * disagree, by how much, and the shrunk program as Java.
 *
 * <p>{@code mvn verify} runs the fixed budget of {@value #DEFAULT_CASES} seeds from
 * {@value #DEFAULT_FIRST_SEED}. {@code -Dfuzz.cases=N} runs N seeds, {@code -Dfuzz.seed=S} starts at S (one
 * case unless {@code fuzz.cases} says more), {@code -Dfuzz.operations=M} generates up to M operations per
 * program instead of 10 (the seed then names another program):
 * {@code mvn -B -pl fluxion-core test -Dtest=DifferentialFuzzTest -Dfuzz.seed=S}.
 */
class DifferentialFuzzTest {
    static final int DEFAULT_CASES = 800;
    static final long DEFAULT_FIRST_SEED = 1;
    /** Shrinking reruns every mode per candidate: only the first failures are shrunk. */
    private static final int SHRUNK = Integer.getInteger("fuzz.shrink", 5);

    @Test
    void everyModeAgreesOnRandomPrograms() {
        String seedProperty = System.getProperty("fuzz.seed");
        long first = seedProperty == null ? DEFAULT_FIRST_SEED : Long.parseLong(seedProperty);
        int cases = Integer.getInteger("fuzz.cases", seedProperty == null ? DEFAULT_CASES : 1);
        int operations = Integer.getInteger("fuzz.operations", 10);
        List<String> failures = new ArrayList<>();
        long start = System.nanoTime();
        for (long seed = first; seed < first + cases; seed++) {
            Program p = Generator.generate(seed, operations);
            Differential.Mismatch m = Differential.check(p);
            if (m != null) {
                // The first failures in full, shrunk; the others in one line each, to rerun by seed.
                failures.add(failures.size() < SHRUNK ? report(p, m, operations)
                        : "fuzz seed " + seed + ": " + m.pair() + ": " + m.detail().lines().findFirst().orElse(""));
                System.out.println(failures.getLast());
            }
        }
        System.out.printf("differential fuzzer: %d programs (seeds %d..%d) in %.1f s, %d failing, %d finite "
                        + "differences too curved to judge%n", cases, first, first + cases - 1,
                (System.nanoTime() - start) / 1e9, failures.size(), Differential.UNJUDGED.get());
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + cases + " random programs (seeds " + first + ".." + (first + cases - 1)
                    + ") evaluate differently in two modes:\n\n" + String.join("\n\n", failures));
        }
    }

    static String report(Program p, Differential.Mismatch m, int operations) {
        Shrinker.Result r = Shrinker.shrink(p, m);
        return "fuzz seed " + p.seed + ": " + r.mismatch().left() + " and " + r.mismatch().right() + " disagree\n  "
                + r.mismatch().detail() + "\n  rerun: mvn -B -pl fluxion-core test -Dtest=DifferentialFuzzTest "
                + "-Dfuzz.seed=" + p.seed + (operations == 10 ? "" : " -Dfuzz.operations=" + operations) + "\n  program (shrunk from " + p.nodes.size() + " operations to "
                + r.program().nodes.size() + "):\n" + r.program().toJava().indent(4);
    }
}
