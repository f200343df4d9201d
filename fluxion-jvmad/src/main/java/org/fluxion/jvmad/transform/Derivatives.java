package org.fluxion.jvmad.transform;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fluxion.jvmad.ir.Block;
import org.fluxion.jvmad.ir.Function;
import org.fluxion.jvmad.ir.Var;
import org.fluxion.jvmad.read.Program;

/**
 * The derivatives of the functions of one {@link Program}, each made once: the tangent (JVP)
 * function of a function, and the pair of augmented-forward and adjoint functions of reverse mode.
 * A derivative is declared (its signature fixed) when first asked for and its body made later by
 * {@link #complete()}, so that recursive and mutually recursive functions need nothing special.
 * Transforms apply to their own output: the tangent function of an adjoint function is a
 * Hessian-vector product (forward over reverse).
 */
public final class Derivatives {
    private final Program program;
    private final MathRules rules;
    private final Map<Function, Function> tangents = new HashMap<>();
    private final Map<Function, ReverseTransform.Pair> reverses = new HashMap<>();
    private final Deque<Runnable> pending = new ArrayDeque<>();
    private final Function entry;
    private Map<Function, Set<Var>> readOnly;
    private final Map<Block, Integer> checkpointed;

    /**
     * @param program the functions read
     * @param entry   the function the derivatives are entered through: reverse mode may read again
     *                the arrays that nothing in its call tree writes (see {@link ArrayOrigins})
     */
    public Derivatives(Program program, Function entry) {
        this(program, entry, Map.of());
    }

    /**
     * @param checkpointed blocks of outlined loops ({@link #outlineLoops}) that reverse mode
     *                     checkpoints, with the snapshots each may hold
     */
    public Derivatives(Program program, Function entry, Map<Block, Integer> checkpointed) {
        this.program = program;
        this.rules = new MathRules(program);
        this.entry = entry;
        this.checkpointed = checkpointed;
    }

    /**
     * Moves each outermost counted loop of {@code f} that can be checkpointed into a function of its
     * own (one call per iteration; see {@link LoopOutliner}), in place. Returns the blocks of the
     * calls; throws, naming why each loop was refused, when none can be.
     */
    public static List<Block> outlineLoops(Function f) {
        LoopOutliner.Result r = LoopOutliner.outline(f);
        if (r.calls().isEmpty()) {
            throw new IllegalArgumentException("no loop of " + f.origin() + " can be checkpointed"
                    + (r.refused().isEmpty() ? ": it has no loop with one entry and one back edge"
                    : ": " + String.join("; ", r.refused())));
        }
        return r.calls();
    }

    Map<Block, Integer> checkpointed() {
        return checkpointed;
    }

    /** The array parameters of {@code f} whose elements nothing writes while the entry's derivative runs. */
    Set<Var> readOnlyParams(Function f) {
        if (readOnly == null) {
            readOnly = ArrayOrigins.readOnlyParams(entry);
        }
        return readOnly.getOrDefault(f, Set.of());
    }

    Program program() {
        return program;
    }

    MathRules rules() {
        return rules;
    }

    /**
     * The tangent function of {@code f}: its parameters, then a tangent for each real or real-array
     * parameter, then the tape; it returns {@code f}'s value and pushes the tangent of a real (or
     * real-array) result on the tape.
     */
    public Function tangent(Function f) {
        Function t = tangents.get(f);
        if (t == null) {
            ForwardTransform ft = new ForwardTransform(this, f);
            t = ft.declared();
            tangents.put(f, t);
            pending.add(ft::run);
        }
        return t;
    }

    /** The augmented forward and adjoint functions of {@code f} (see {@link ReverseTransform}). */
    public ReverseTransform.Pair reverse(Function f) {
        ReverseTransform.Pair p = reverses.get(f);
        if (p == null) {
            ReverseTransform rt = new ReverseTransform(this, f);
            p = rt.declared();
            reverses.put(f, p);
            pending.add(rt::run);
        }
        return p;
    }

    /** Makes the bodies of every derivative declared so far, and of those they need in turn. */
    public void complete() {
        program.readAll();
        while (!pending.isEmpty()) {
            pending.poll().run();
            program.readAll();
        }
    }
}
