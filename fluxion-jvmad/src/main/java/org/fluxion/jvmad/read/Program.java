package org.fluxion.jvmad.read;

import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fluxion.jvmad.ir.Function;
import org.fluxion.jvmad.ir.NotDifferentiableException;
import org.fluxion.jvmad.ir.Type;

/**
 * The methods read for one derivative: the method asked for and every static method it calls,
 * transitively (recursion included), each read once into an IR {@link Function}. A call names its
 * callee's function before the callee's body is read, so cycles need nothing special.
 */
public final class Program {
    private final ClassFiles classFiles = new ClassFiles();
    private final Map<MethodRef, Function> functions = new LinkedHashMap<>();
    private final Deque<MethodRef> unread = new ArrayDeque<>();

    /**
     * The function of {@code ref}: declared now (parameters from the descriptor, checked), its body
     * read by {@link #readAll()}.
     */
    public Function function(MethodRef ref) {
        Function f = functions.get(ref);
        if (f == null) {
            f = declare(ref);
            functions.put(ref, f);
            unread.add(ref);
        }
        return f;
    }

    /** A method of one of this module's runtime classes ({@code Models}, {@code Rules}). */
    public Function runtimeFunction(Class<?> owner, String name, MethodTypeDesc desc) {
        return function(new MethodRef(owner.getClassLoader(), ClassDesc.of(owner.getName()), name, desc));
    }

    /** Reads the bodies of all declared functions whose body is not yet read, and of the callees they name. */
    public void readAll() {
        while (!unread.isEmpty()) {
            MethodRef ref = unread.poll();
            new BytecodeReader(this, ref, classFiles.method(ref), functions.get(ref)).read();
        }
    }

    private static Function declare(MethodRef ref) {
        MethodTypeDesc desc = ref.desc();
        Type ret = null;
        if (!desc.returnType().descriptorString().equals("V")) {
            ret = checked(ref, desc.returnType(), "returns");
        }
        Function f = new Function(ref.name(), ref.origin(), ret);
        for (int i = 0; i < desc.parameterCount(); i++) {
            f.addParam(checked(ref, desc.parameterType(i), "takes a parameter of"), "p" + i);
        }
        return f;
    }

    /** Parameters and results may be primitives and arrays of primitives of any rank. */
    private static Type checked(MethodRef ref, ClassDesc desc, String what) {
        boolean ok = desc.isPrimitive() || BlockTranslator.isArrayOfPrimitives(desc);
        if (!ok) {
            throw new NotDifferentiableException(ref.origin(), -1, -1, what + " type " + desc.displayName()
                    + "; differentiable methods take and return primitives and arrays of primitives"
                    + " (of any rank: double[], double[][], ...)");
        }
        return Type.of(desc);
    }
}
