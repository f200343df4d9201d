package org.fluxion.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorOps;
import org.fluxion.tensor.TensorState;
import org.junit.jupiter.api.Test;

/**
 * {@link Tensor} is the users' facade: its public methods show values, shapes and operations, not storages
 * or transformation state (those are {@code TensorInternals}'), and its source stays a short list of
 * delegations (issue 10: at most 600 lines, no logic).
 */
class TensorFacadeTest {
    @Test
    void publicMethodsExposeNoInternals() {
        List<String> leaks = new ArrayList<>();
        for (Method m : Tensor.class.getMethods()) {
            if (!Modifier.isPublic(m.getModifiers()) || m.getDeclaringClass() != Tensor.class) {
                continue;
            }
            boolean storageIn = List.of(m.getParameterTypes()).contains(Storage.class);
            boolean internalType = m.getReturnType() == Storage.class
                    || TensorState.class.isAssignableFrom(m.getReturnType())
                    || List.of(m.getParameterTypes()).stream().anyMatch(TensorState.class::isAssignableFrom);
            // wrap(Storage, Shape) is the documented way to put an existing array behind a tensor.
            if (internalType || storageIn && !m.getName().equals("wrap")) {
                leaks.add(m.toString());
            }
        }
        assertEquals(List.of(), leaks);
    }

    @Test
    void theFacadeFitsTheLineBudget() throws Exception {
        Path source = Path.of("src/main/java/org/fluxion/tensor/Tensor.java");
        assertTrue(Files.exists(source), "run from fluxion-core's directory (Maven does): " + source.toAbsolutePath());
        long lines = Files.readAllLines(source).size();
        assertTrue(lines <= 600, "Tensor.java has " + lines + " lines, more than the 600 of its budget: move the "
                + "logic into the ops/tensor class it belongs to and keep one call per method");
    }

    /**
     * Every method of the {@link TensorOps} service is a facade method's: an instance method of the same name taking
     * the service method's parameters after {@code self}, or a static one taking them all. A service method no facade
     * method calls is dead, and one of another signature would be a facade method that does something else.
     */
    @Test
    void everyServiceMethodIsAFacadeMethod() {
        List<String> orphans = new ArrayList<>();
        for (Method m : TensorOps.class.getMethods()) {
            Class<?>[] p = m.getParameterTypes();
            boolean found = false;
            for (Method f : Tensor.class.getMethods()) {
                if (f.getName().equals(m.getName()) && f.getReturnType() == m.getReturnType()) {
                    boolean isStatic = Modifier.isStatic(f.getModifiers());
                    Class<?>[] expected = isStatic ? p : p.length > 0 && p[0] == Tensor.class
                            ? Arrays.copyOfRange(p, 1, p.length) : null;
                    found |= expected != null && Arrays.equals(expected, f.getParameterTypes());
                }
            }
            if (!found) {
                orphans.add(m.toString());
            }
        }
        assertEquals(List.of(), orphans);
    }
}
