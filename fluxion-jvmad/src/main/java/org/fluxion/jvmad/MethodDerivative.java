package org.fluxion.jvmad;

import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.jvmad.ir.Function;
import org.fluxion.jvmad.ir.Type;
import org.fluxion.jvmad.ir.Var;
import org.fluxion.jvmad.runtime.Tape;
import org.fluxion.jvmad.transform.ReverseTransform;

/**
 * Forward and reverse derivatives of any supported static method, whatever its parameters: reals,
 * integers and arrays of them, in any order. Arguments and results are passed as objects (boxed
 * numbers, arrays), so this is the general form, slower per call than {@link Gradient},
 * {@link Jacobian} and {@link Partials}; booleans, bytes, chars and shorts are passed as
 * {@link Integer}s. Arrays passed in are read and written as the method does.
 *
 * <p>The derivative of a real array parameter is with respect to its contents on entry; a method
 * that writes into an array has that array's contents on exit as an output too.
 */
public final class MethodDerivative {
    /**
     * The value of the method and one derivative per parameter: a {@link Double} or {@link Float} for
     * a real parameter, an array for a real array, null otherwise.
     *
     * @param value       the result (NaN for a void method)
     * @param derivatives per parameter
     */
    public record Result(double value, Object[] derivatives) {
    }

    private final Build build;
    /** What each derivative is called in the tape check's message (made once: calls must not build strings). */
    private final String adjointName;
    private final String tangentName;
    private final Function f;
    private final Lazy<Handles> reverse;
    private final Lazy<MethodHandle> tangent;

    private record Handles(MethodHandle forward, MethodHandle adjoint) {
    }

    MethodDerivative(Build build) {
        this.build = build;
        this.adjointName = "the adjoint of " + build.ref().origin();
        this.tangentName = "the tangent of " + build.ref().origin();
        this.f = build.function();
        boolean realOut = f.returnType() != null && f.returnType().isActive();
        for (Var p : f.params()) {
            realOut |= p.type().isRealArray();
        }
        if (!realOut) {
            throw new org.fluxion.jvmad.ir.NotDifferentiableException(build.ref().origin(), -1, -1,
                    "has no real output (it returns " + (f.returnType() == null ? "nothing" : f.returnType())
                            + " and takes no real array to write): integer-valued outputs have no derivative");
        }
        this.reverse = new Lazy<>(() -> {
            ReverseTransform.Pair[] pair = new ReverseTransform.Pair[1];
            Build.Methods m = build.methods(d -> {
                pair[0] = d.reverse(f);
                return List.of(pair[0].forward(), pair[0].adjoint());
            });
            return new Handles(m.handle(pair[0].forward()), m.handle(pair[0].adjoint()));
        });
        this.tangent = new Lazy<>(() -> {
            Function[] t = new Function[1];
            Build.Methods m = build.methods(d -> List.of(t[0] = d.tangent(f)));
            return m.handle(t[0]);
        });
    }

    /** The gradient of a method that returns a real: {@link #vjp} with cotangent 1 for the result. */
    public Result gradient(Object... args) {
        if (f.returnType() == null || !f.returnType().isReal()) {
            throw new IllegalArgumentException(build.ref().origin() + " returns "
                    + (f.returnType() == null ? "nothing" : f.returnType())
                    + "; a gradient needs a real result (integer-valued outputs have no derivative)");
        }
        return vjp(args, 1.0, null);
    }

    /**
     * Reverse mode: the vector-Jacobian product for the cotangent {@code resultCotangent} of the result
     * and {@code arrayCotangents[i]} of the contents of real array parameter {@code i} on exit (null
     * entries, or a null array, for zero).
     */
    public Result vjp(Object[] args, double resultCotangent, Object[] arrayCotangents) {
        checkArity(args);
        List<Object> forward = new ArrayList<>(List.of(args));
        List<Object> adjoint = new ArrayList<>();
        Object[] shadows = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            if (param(i).isRealArray()) {
                Object seed = arrayCotangents == null ? null : arrayCotangents[i];
                shadows[i] = seed != null ? cloneArray(seed) : newArrayLike(args[i]);
                forward.add(shadows[i]);
                adjoint.add(shadows[i]);
            }
        }
        Tape tape = Tapes.acquire();
        forward.add(tape);
        Handles h = reverse.get();
        double value;
        try {
            Object v = h.forward().invokeWithArguments(forward);
            value = v instanceof Number n ? n.doubleValue() : Double.NaN;
            if (f.returnType() != null && f.returnType().isReal()) {
                adjoint.add(f.returnType().kind() == Type.Kind.FLOAT ? (Object) (float) resultCotangent
                        : (Object) resultCotangent);
            }
            adjoint.add(tape);
            h.adjoint().invokeWithArguments(adjoint);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        Object[] ds = new Object[args.length];
        for (int i = args.length - 1; i >= 0; i--) {
            Type p = param(i);
            if (p.isReal()) {
                double d = tape.popReal();
                ds[i] = p.kind() == Type.Kind.FLOAT ? (Object) (float) d : (Object) d;
            } else if (p.isRealArray()) {
                ds[i] = shadows[i];
            }
        }
        Tapes.release(tape, adjointName);
        return new Result(value, ds);
    }

    /**
     * Forward mode: the tangent of the result along {@code tangents} (one per parameter: a number
     * for a real, an array for a real array, ignored otherwise; null for zero). Returns the result and,
     * as its derivatives, the tangent of the result at index 0 and each real array's tangent on exit
     * at its parameter's index + 1.
     */
    public Result jvp(Object[] args, Object[] tangents) {
        checkArity(args);
        List<Object> call = new ArrayList<>(List.of(args));
        Object[] arrayTangents = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            Type p = param(i);
            Object t = tangents == null ? null : tangents[i];
            if (p.isReal()) {
                double d = t == null ? 0 : ((Number) t).doubleValue();
                call.add(p.kind() == Type.Kind.FLOAT ? (Object) (float) d : (Object) d);
            } else if (p.isRealArray()) {
                arrayTangents[i] = t != null ? cloneArray(t) : newArrayLike(args[i]);
                call.add(arrayTangents[i]);
            }
        }
        Tape tape = Tapes.acquire();
        call.add(tape);
        double value;
        double dvalue = Double.NaN;
        try {
            Object v = tangent.get().invokeWithArguments(call);
            value = v instanceof Number n ? n.doubleValue() : Double.NaN;
            if (f.returnType() != null && f.returnType().isReal()) {
                dvalue = tape.popReal();
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        Tapes.release(tape, tangentName);
        Object[] ds = new Object[args.length + 1];
        ds[0] = dvalue;
        System.arraycopy(arrayTangents, 0, ds, 1, args.length);
        return new Result(value, ds);
    }

    private Type param(int i) {
        Var v = f.params().get(i);
        return v.type();
    }

    private void checkArity(Object[] args) {
        if (args.length != f.params().size()) {
            throw new IllegalArgumentException(build.ref().origin() + " takes " + f.params().size()
                    + " arguments; got " + args.length);
        }
    }

    private static Object newArrayLike(Object array) {
        return shaped(array, false, new IdentityHashMap<>());
    }

    private static Object cloneArray(Object array) {
        return shaped(array, true, new IdentityHashMap<>());
    }

    /**
     * Zeros (or a copy) of a real array of any rank, of the same shape: rows shared where the array
     * shares them, null where it has null.
     */
    private static Object shaped(Object array, boolean copy, Map<Object, Object> made) {
        if (array == null) {
            return null;
        }
        Object done = made.get(array);
        if (done != null) {
            return done;
        }
        Object result;
        if (array instanceof double[] d) {
            result = copy ? d.clone() : new double[d.length];
        } else if (array instanceof float[] d) {
            result = copy ? d.clone() : new float[d.length];
        } else if (array instanceof Object[] rows && (rows instanceof double[][] || rows instanceof float[][]
                || rows instanceof Object[][])) {
            Object[] r = (Object[]) java.lang.reflect.Array.newInstance(rows.getClass().getComponentType(), rows.length);
            for (int i = 0; i < rows.length; i++) {
                r[i] = shaped(rows[i], copy, made);
            }
            result = r;
        } else {
            throw new IllegalArgumentException("expected an array of doubles or floats (of any rank), got "
                    + array.getClass().getSimpleName());
        }
        made.put(array, result);
        return result;
    }
}
