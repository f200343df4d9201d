package org.fluxion.jvmad;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.List;
import org.fluxion.jvmad.corpus.Basics;
import org.fluxion.jvmad.emit.ClassAssembler;
import org.fluxion.jvmad.ir.Function;
import org.fluxion.jvmad.read.MethodRef;
import org.fluxion.jvmad.read.Program;
import org.fluxion.jvmad.runtime.HiddenClasses;
import org.junit.jupiter.api.Test;

/** Reading a method into the IR and writing it back gives a method that computes the same values. */
class RoundTripTest {
    private static MethodHandle roundTrip(Class<?> owner, String name) throws Exception {
        Method m = java.util.Arrays.stream(owner.getDeclaredMethods()).filter(x -> x.getName().equals(name))
                .findFirst().orElseThrow();
        MethodType type = MethodType.methodType(m.getReturnType(), m.getParameterTypes());
        Program program = new Program();
        Function f = program.function(new MethodRef(owner.getClassLoader(), ClassDesc.of(owner.getName()), name,
                MethodTypeDesc.ofDescriptor(type.toMethodDescriptorString())));
        program.readAll();
        ClassAssembler.Assembled a = new ClassAssembler(HiddenClasses.NAME).assemble(List.of(f), List.of());
        MethodHandles.Lookup lookup = HiddenClasses.define(a.bytes(), a.classData());
        // Booleans, bytes, chars and shorts compute as ints: the generated method takes an int.
        MethodType generated = MethodType.fromMethodDescriptorString(f.descriptor().descriptorString(), null);
        return lookup.findStatic(lookup.lookupClass(), a.methodNames().get(f), generated);
    }

    @Test
    void scalarCodeComputesTheSameValues() throws Throwable {
        assertEquals(Basics.square(1.7), (double) roundTrip(Basics.class, "square").invokeExact(1.7));
        assertEquals(Basics.polynomial(1.3, -0.4), (double) roundTrip(Basics.class, "polynomial").invokeExact(1.3, -0.4));
        MethodHandle branches = roundTrip(Basics.class, "branches");
        for (double x : new double[] {-2, -0.5, 0.3, 1.5}) {
            assertEquals(Basics.branches(x), (double) branches.invokeExact(x));
        }
        MethodHandle ternary = roundTrip(Basics.class, "ternary");
        assertEquals(Basics.ternary(1, 2), (double) ternary.invokeExact(1.0, 2.0));
        assertEquals(Basics.ternary(3, 2), (double) ternary.invokeExact(3.0, 2.0));
        MethodHandle floats = roundTrip(Basics.class, "floats");
        assertEquals(Basics.floats(1.25f, 0.3), (double) floats.invokeExact(1.25f, 0.3));
        MethodHandle newton = roundTrip(Basics.class, "whileTolerance");
        assertEquals(Basics.whileTolerance(7.5), (double) newton.invokeExact(7.5));
    }

    @Test
    void loopsSwitchesRecursionAndArrays() throws Throwable {
        double[] c = {1, -2, 0.5, 3};
        assertEquals(Basics.loopPolynomial(c, 0.7), (double) roundTrip(Basics.class, "loopPolynomial").invokeExact(c, 0.7));
        MethodHandle choose = roundTrip(Basics.class, "choose");
        for (int k = -1; k < 7; k++) {
            assertEquals(Basics.choose(k), (int) choose.invokeExact(k));
        }
        MethodHandle switched = roundTrip(Basics.class, "switched");
        for (int k = 0; k < 4; k++) {
            assertEquals(Basics.switched(0.4, k), (double) switched.invokeExact(0.4, k));
        }
        assertEquals(Basics.longs(17L, 9), (long) roundTrip(Basics.class, "longs").invokeExact(17L, 9));
        assertEquals(Basics.factorialLike(5.5, 4), (double) roundTrip(Basics.class, "factorialLike").invokeExact(5.5, 4));
        double[] x = {0.5, 1.5, -2, 4};
        assertEquals(Basics.prefixSum(x), (double) roundTrip(Basics.class, "prefixSum").invokeExact(x));
        double[] a1 = {1, 2, 3, 4};
        double[] a2 = a1.clone();
        assertEquals(Basics.stackGames(a1, 1), (double) roundTrip(Basics.class, "stackGames").invokeExact(a2, 1));
        assertEquals(java.util.Arrays.toString(a1), java.util.Arrays.toString(a2));
        MethodHandle nullable = roundTrip(Basics.class, "nullableArray");
        assertEquals(Basics.nullableArray(x, true), (double) nullable.invokeExact(x, 1));
        assertEquals(Basics.nullableArray(x, false), (double) nullable.invokeExact(x, 0));
    }
}
