package org.fluxion.jvmad;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.fluxion.jvmad.emit.ClassAssembler;
import org.fluxion.jvmad.ir.Block;
import org.fluxion.jvmad.ir.Function;
import org.fluxion.jvmad.read.MethodRef;
import org.fluxion.jvmad.read.Program;
import org.fluxion.jvmad.runtime.HiddenClasses;
import org.fluxion.jvmad.transform.Derivatives;
import org.fluxion.jvmad.transform.EntryPoints;

/**
 * One derivative build: reads the method and its callees (failing here on anything that cannot be
 * differentiated), makes the derivative functions asked for, assembles them into a hidden class and
 * returns the instance that implements the kernel interface.
 */
final class Build {
    private final MethodRef ref;
    private final Program program = new Program();
    private final Function function;

    /** Blocks of outlined loops that reverse mode checkpoints, with their snapshots; empty without a budget. */
    private final Map<Block, Integer> checkpointed = new HashMap<>();
    private final Checkpointing budget;

    /** Reads {@code ref} and everything it calls. */
    Build(MethodRef ref) {
        this(ref, null);
    }

    /**
     * Reads {@code ref} and everything it calls; with a budget, moves its outermost loops into
     * functions of their own, which reverse mode checkpoints (failing when none can be).
     */
    Build(MethodRef ref, Checkpointing budget) {
        this.ref = ref;
        this.budget = budget;
        this.function = program.function(ref);
        program.readAll();
        if (budget != null) {
            for (Block b : Derivatives.outlineLoops(function)) {
                checkpointed.put(b, budget.snapshots());
            }
        }
    }

    /** The memory budget of reverse mode, or null. */
    Checkpointing budget() {
        return budget;
    }

    MethodRef ref() {
        return ref;
    }

    Function function() {
        return function;
    }

    /** Static methods of one hidden class, by the functions they were made from. */
    record Methods(MethodHandles.Lookup lookup, Map<Function, String> names) {
        java.lang.invoke.MethodHandle handle(Function f) {
            try {
                return lookup.findStatic(lookup.lookupClass(), names.get(f),
                        MethodType.fromMethodDescriptorString(f.descriptor().descriptorString(), null));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("generated method missing: " + f, e);
            }
        }
    }

    /** A hidden class holding the functions that {@code make} returns, and everything they call. */
    synchronized Methods methods(java.util.function.Function<Derivatives, List<Function>> make) {
        Derivatives derivatives = new Derivatives(program, function, checkpointed);
        List<Function> roots = make.apply(derivatives);
        derivatives.complete();
        ClassAssembler.Assembled a = new ClassAssembler(HiddenClasses.NAME).assemble(roots, List.of());
        return new Methods(HiddenClasses.define(a.bytes(), a.classData()), a.methodNames());
    }

    /**
     * A hidden class whose method {@code apply} implements {@code kernel} by calling the entry point
     * that {@code entry} makes; returns an instance. Each kernel gets its own class (and its own copy
     * of the derivative functions), so that building one never waits for another.
     */
    synchronized <K> K kernel(Class<K> kernel, BiFunction<EntryPoints, Function, Function> entry) {
        Derivatives derivatives = new Derivatives(program, function, checkpointed);
        Function e = entry.apply(new EntryPoints(derivatives), function);
        derivatives.complete();
        ClassAssembler.Assembled a = new ClassAssembler(HiddenClasses.NAME).assemble(List.of(),
                List.of(new ClassAssembler.Bridge(kernel.describeConstable().orElseThrow(), "apply", e)));
        MethodHandles.Lookup lookup = HiddenClasses.define(a.bytes(), a.classData());
        try {
            return kernel.cast(lookup.findConstructor(lookup.lookupClass(), MethodType.methodType(void.class))
                    .invoke());
        } catch (Throwable t) {
            throw new IllegalStateException("cannot instantiate the derivative of " + ref.origin(), t);
        }
    }
}
