package org.fluxion.nn;

import java.util.Locale;
import java.util.Map;

/**
 * The printed form of a module with children, PyTorch-style: one line per child, indented, nested
 * containers drawn the same way, with the parameter count of each child and of the whole:
 *
 * <pre>
 * Sequential(
 *   (0): Flatten
 *   (1): Linear 784-&gt;128, 100,480 parameters
 *   (2): relu
 *   (3): Linear 128-&gt;10, 1,290 parameters
 * ), 101,770 parameters
 * </pre>
 */
final class ModuleTree {
    private ModuleTree() {
    }

    static String render(String name, Map<String, Module> children, long parameters) {
        StringBuilder sb = new StringBuilder(name).append("(\n");
        for (Map.Entry<String, Module> e : children.entrySet()) {
            Module child = e.getValue();
            String text = child.toString();
            // A container's count is on its closing line already; a layer's goes after its description.
            if (child.children().isEmpty() && child.parameterCount() > 0) {
                text += ", " + count(child.parameterCount());
            }
            sb.append("  (").append(e.getKey()).append("): ").append(text.replace("\n", "\n  ")).append('\n');
        }
        return sb.append(")").append(parameters > 0 ? ", " + count(parameters) : "").toString();
    }

    private static String count(long parameters) {
        return String.format(Locale.ROOT, "%,d parameter%s", parameters, parameters == 1 ? "" : "s");
    }
}
