package org.fluxion.jvmad;

import java.io.Serializable;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.fluxion.jvmad.read.MethodRef;

/** Finds the static method behind a method reference or lambda, or by its class and name. */
final class MethodRefs {
    static {
        // ConstantDescs first: when MethodTypeDesc.ofDescriptor is a JVM's first use of java.lang.constant,
        // the JDK's primitive descriptors and ConstantDescs initialize each other in a cycle and fail.
        Objects.requireNonNull(ConstantDescs.CD_double);
    }

    private MethodRefs() {
    }

    /**
     * The implementation method of a serializable lambda or method reference: it must be static and
     * capture nothing ({@code Examples::f}, {@code x -> x[0] * x[1]}).
     */
    static MethodRef of(Serializable lambda) {
        SerializedLambda s;
        try {
            Method writeReplace = lambda.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            s = (SerializedLambda) writeReplace.invoke(lambda);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("cannot find the method behind " + lambda
                    + ": pass a method reference to a static method (Owner::method) or a lambda, not an object", e);
        }
        String impl = s.getImplClass().replace('/', '.') + "." + s.getImplMethodName();
        if (s.getImplMethodKind() != MethodHandleInfo.REF_invokeStatic) {
            throw new IllegalArgumentException(impl + " is not a static method (method handle kind "
                    + MethodHandleInfo.referenceKindToString(s.getImplMethodKind())
                    + "); only static methods can be differentiated");
        }
        if (s.getCapturedArgCount() > 0) {
            throw new IllegalArgumentException("the lambda " + impl + " captures " + s.getCapturedArgCount()
                    + " value(s); pass them as parameters of a static method instead");
        }
        return new MethodRef(lambda.getClass().getClassLoader(), ClassDesc.of(s.getImplClass().replace('/', '.')),
                s.getImplMethodName(), MethodTypeDesc.ofDescriptor(s.getImplMethodSignature()));
    }

    /**
     * The method {@code name} of {@code owner}; there must be exactly one of that name (an instance
     * method is refused when it is read, with the reason).
     */
    static MethodRef of(Class<?> owner, String name) {
        List<Method> found = Arrays.stream(owner.getDeclaredMethods())
                .filter(m -> m.getName().equals(name) && !m.isSynthetic())
                .toList();
        if (found.size() != 1) {
            throw new IllegalArgumentException(owner.getName() + " has " + found.size() + " methods named "
                    + name + "; expected exactly one");
        }
        Method m = found.getFirst();
        MethodTypeDesc desc = MethodTypeDesc.of(m.getReturnType().describeConstable().orElseThrow(),
                Arrays.stream(m.getParameterTypes()).map(c -> c.describeConstable().orElseThrow())
                        .toArray(ClassDesc[]::new));
        return new MethodRef(owner.getClassLoader(), ClassDesc.of(owner.getName()), name, desc);
    }

    /** Fails unless {@code ref} has the descriptor {@code expected} (e.g. {@code ([D)D}). */
    static void requireShape(MethodRef ref, String expected, String what) {
        if (!ref.desc().descriptorString().equals(expected)) {
            throw new IllegalArgumentException(ref.origin() + " has the signature " + ref.desc().displayDescriptor()
                    + "; " + what + " needs " + MethodTypeDesc.ofDescriptor(expected).displayDescriptor());
        }
    }
}
