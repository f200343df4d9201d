package org.fluxion.jit.ir;

import static org.fluxion.tensor.TensorInternals.storage;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.StringJoiner;
import org.fluxion.ops.Primitive;
import org.fluxion.tensor.DType;

/**
 * The readable printout of graphs, in the style of JAX's {@code make_jaxpr}:
 * <pre>
 * { lambda ; a:float32[3] b:float32[3]. let
 *     c:float32[3] = mul a b
 *     d:float32[] = sum[axes=[0], keepDims=false] c
 *   in (d) }
 * </pre>
 * An equation of several outputs lists them all: {@code b:float32[2] c:float32[1] = split[axis=0, sizes=[2, 1]] a}.
 */
public final class Printer {
    private Printer() {
    }

    static String print(Graph g) {
        return print(g, "");
    }

    /** The printout with every line after the first indented by {@code indent} (for nested graphs). */
    public static String print(Graph g, String indent) {
        Map<Value, String> names = new IdentityHashMap<>();
        StringBuilder s = new StringBuilder("{ lambda ;");
        for (Value v : g.inputs) {
            s.append(' ').append(name(names, v)).append(':').append(v.type);
        }
        s.append(". let\n");
        for (Equation e : g.equations) {
            s.append(indent).append("   ");
            for (Value out : e.outputs()) {
                s.append(' ').append(name(names, out)).append(':').append(out.type);
            }
            s.append(" = ").append(describe(e.primitive(), indent + "    "));
            for (Value v : e.inputs()) {
                s.append(' ').append(name(names, v));
            }
            s.append('\n');
        }
        StringJoiner outs = new StringJoiner(", ", "(", ")");
        for (Value v : g.outputs) {
            outs.add(name(names, v));
        }
        return s.append(indent).append("  in ").append(outs).append(" }").toString();
    }

    /** Names values a, b, ..., z, ba, ... in order of appearance; constants print as their value. */
    private static String name(Map<Value, String> names, Value v) {
        if (v.isConstant()) {
            return constant(v);
        }
        return names.computeIfAbsent(v, k -> {
            StringBuilder s = new StringBuilder();
            int n = names.size();
            do {
                s.append((char) ('a' + n % 26));
                n = n / 26 - 1;
            } while (n >= 0);
            return s.reverse().toString();
        });
    }

    /** One line for an equation: output type, primitive name and input types. */
    public static String describeShort(Equation e) {
        StringJoiner ins = new StringJoiner(", ");
        for (Value v : e.inputs()) {
            ins.add(v.type.toString());
        }
        StringJoiner outs = new StringJoiner(", ");
        for (Value v : e.outputs()) {
            outs.add(v.type.toString());
        }
        return outs + " = " + e.primitive().name() + "(" + ins + ")";
    }

    /** The primitive's name and, for a record, its parameters: {@code sum[axes=[0], keepDims=false]}. */
    static String describe(Primitive p) {
        return describe(p, "");
    }

    static String describe(Primitive p, String indent) {
        String params = p instanceof Described d ? d.parameters(indent) : recordParameters(p);
        return params.isEmpty() ? p.name() : p.name() + "[" + params + "]";
    }

    /** A primitive that prints its own parameters (structured control flow prints its subgraphs). */
    public interface Described {
        /** The parameters; nested graphs print with {@code indent} before each of their lines. */
        String parameters(String indent);
    }

    private static String recordParameters(Primitive p) {
        if (!(p instanceof Record r)) {
            return "";
        }
        StringJoiner j = new StringJoiner(", ");
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object v;
            try {
                var accessor = c.getAccessor();
                accessor.setAccessible(true);
                v = accessor.invoke(r);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            if (v instanceof Enum<?> || c.getName().equals("op")) {
                continue; // the operation is already in the name (add, exp, sum...)
            }
            j.add(c.getName() + "=" + format(v));
        }
        return j.toString();
    }

    static String format(Object v) {
        if (v instanceof int[] a) {
            return Arrays.toString(a);
        }
        if (v instanceof long[] a) {
            return Arrays.toString(a);
        }
        if (v instanceof double[] a) {
            return Arrays.toString(a);
        }
        if (v instanceof Object[] a) {
            return Arrays.deepToString(a);
        }
        return String.valueOf(v);
    }

    /** A constant: its value when it is a single element, else its type. */
    static String constant(Value v) {
        if (v.type.shape().size() == 1) {
            double x = storage(v.constant).getDouble(v.constant.offset());
            DType d = v.type.dtype();
            String text = d == DType.BOOL ? String.valueOf(x != 0)
                    : d.isFloatingPoint() ? String.valueOf(x) : String.valueOf((long) x);
            return text + ":" + v.type;
        }
        return "const:" + v.type;
    }
}
