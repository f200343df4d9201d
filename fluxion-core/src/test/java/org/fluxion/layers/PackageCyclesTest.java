package org.fluxion.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.fluxion.ops.Primitive;
import org.junit.jupiter.api.Test;

/**
 * The package dependencies of fluxion-core, read from its compiled classes by the JDK's {@code jdeps}: no
 * package cycle may appear beyond the one issue 10 is removing, and that one may not grow. Kernels depend on
 * no other Fluxion package (they take arrays and strides).
 *
 * <p>The tensor layer imports none below it: {@code Tensor}'s methods call ops through the {@code TensorOps} service
 * and its reverse-mode methods autodiff through {@code ReverseMode}, and a tensor keeps its transformation state as
 * a {@code TensorState} (issue 10).
 */
class PackageCyclesTest {
    private static final Pattern EDGE = Pattern.compile("^\\s+(org\\.fluxion[\\w.]*)\\s+->\\s+(org\\.fluxion[\\w.]*)\\s");

    @Test
    void noPackageCycle() throws Exception {
        List<Set<String>> cycles = new ArrayList<>();
        for (Set<String> scc : stronglyConnected(packageGraph())) {
            if (scc.size() > 1) {
                cycles.add(scc);
            }
        }
        assertEquals(List.of(), cycles, "package cycles: a package must depend only on the layers above it "
                + "(shared/DESIGN.md, 'Layers of the system')");
    }

    @Test
    void tensorDependsOnNoLayerBelowButKernels() throws Exception {
        assertEquals(Set.of("org.fluxion.kernels"), packageGraph().getOrDefault("org.fluxion.tensor", Set.of()));
    }

    @Test
    void kernelsDependOnNoOtherFluxionPackage() throws Exception {
        assertEquals(Set.of(), packageGraph().getOrDefault("org.fluxion.kernels", Set.of()));
    }

    /** Package to the Fluxion packages its classes refer to, from {@code jdeps -verbose:package}. */
    private static Map<String, Set<String>> packageGraph() throws Exception {
        Optional<ToolProvider> jdeps = ToolProvider.findFirst("jdeps");
        assumeTrue(jdeps.isPresent(), "skipped: this Java runtime has no jdeps (a JDK is needed)");
        Path classes = Path.of(Primitive.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        StringWriter out = new StringWriter();
        int rc = jdeps.get().run(new PrintWriter(out), new PrintWriter(out), "-verbose:package",
                "-e", "org\\.fluxion\\..*", classes.toString());
        assertEquals(0, rc, "jdeps failed:\n" + out);
        Map<String, Set<String>> graph = new TreeMap<>();
        for (String line : out.toString().split("\n")) {
            Matcher m = EDGE.matcher(line);
            if (m.find() && !m.group(1).equals(m.group(2))) {
                graph.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
                graph.computeIfAbsent(m.group(2), k -> new TreeSet<>());
            }
        }
        assertTrue(graph.containsKey("org.fluxion.ops"), "jdeps reported no dependency of ops:\n" + out);
        return graph;
    }

    /** Tarjan's strongly connected components, iteratively (no recursion). */
    private static List<Set<String>> stronglyConnected(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> result = new ArrayList<>();
        int[] counter = {0};
        for (String root : graph.keySet()) {
            if (index.containsKey(root)) {
                continue;
            }
            Deque<Object[]> work = new ArrayDeque<>(); // {node, iterator over its successors}
            index.put(root, counter[0]);
            low.put(root, counter[0]++);
            stack.push(root);
            onStack.add(root);
            work.push(new Object[] {root, new ArrayList<>(graph.get(root)).iterator()});
            while (!work.isEmpty()) {
                String v = (String) work.peek()[0];
                @SuppressWarnings("unchecked")
                var it = (java.util.Iterator<String>) work.peek()[1];
                if (it.hasNext()) {
                    String w = it.next();
                    if (!index.containsKey(w)) {
                        index.put(w, counter[0]);
                        low.put(w, counter[0]++);
                        stack.push(w);
                        onStack.add(w);
                        work.push(new Object[] {w, new ArrayList<>(graph.get(w)).iterator()});
                    } else if (onStack.contains(w)) {
                        low.put(v, Math.min(low.get(v), index.get(w)));
                    }
                    continue;
                }
                work.pop();
                if (!work.isEmpty()) {
                    String parent = (String) work.peek()[0];
                    low.put(parent, Math.min(low.get(parent), low.get(v)));
                }
                if (low.get(v).equals(index.get(v))) {
                    Set<String> scc = new TreeSet<>();
                    String w;
                    do {
                        w = stack.pop();
                        onStack.remove(w);
                        scc.add(w);
                    } while (!w.equals(v));
                    result.add(scc);
                }
            }
        }
        return result;
    }
}
