package org.fluxion.jvmad.transform;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.fluxion.jvmad.ir.Block;
import org.fluxion.jvmad.ir.Const;
import org.fluxion.jvmad.ir.Function;
import org.fluxion.jvmad.ir.Insn;
import org.fluxion.jvmad.ir.Operand;
import org.fluxion.jvmad.ir.Type;
import org.fluxion.jvmad.ir.Var;

/**
 * What reverse mode records about the counted loops of a function (see {@link Loops}): the forward
 * counts each loop's back edges and, on leaving it, records the count and the entry values of the
 * induction variables the adjoint asked for; the adjoint pops them on walking back into the loop,
 * counts down, and rebuilds each induction variable as {@code entry + step * iteration}.
 */
final class LoopRecords {
    private final Map<Block, Loops.Loop> loops;
    private final Function fwd;
    private final Function adj;
    /** The forward's variable of a source variable. */
    private final UnaryOperator<Var> primal;
    private final Map<Loops.Loop, Var> forwardCount = new HashMap<>();
    private final Map<Loops.Loop, Var> reverseCount = new HashMap<>();
    private final Map<Loops.Loop, Set<Var>> inductionsUsed = new HashMap<>();
    private final Map<Loops.Loop, Map<Var, Var>> forwardBase = new HashMap<>();
    private final Map<Loops.Loop, Map<Var, Var>> reverseBase = new HashMap<>();

    /** @param excluded headers of loops reversed otherwise (checkpointed: see {@link CheckpointedLoop}) */
    LoopRecords(Function src, Function fwd, Function adj, UnaryOperator<Var> primal, Set<Block> excluded) {
        this.loops = Loops.counted(src);
        this.loops.keySet().removeAll(excluded);
        this.fwd = fwd;
        this.adj = adj;
        this.primal = primal;
    }

    /** The counted loop whose header is {@code b}, or null. */
    Loops.Loop headedBy(Block b) {
        return loops.get(b);
    }

    /**
     * Forward code for the edge {@code from -> to} ({@code from} null: the method's entry): records the
     * loops it leaves; into a counted header, advances the count along the back edge or starts it
     * (and saves the induction variables' entry values) from outside.
     */
    List<Insn> onEdge(Block from, Block to) {
        List<Insn> code = new ArrayList<>();
        for (Loops.Loop l : exited(from, to)) {
            code.addAll(record(l));
        }
        Loops.Loop entered = loops.get(to);
        if (entered != null) {
            Var count = forwardCount(entered);
            if (from != null && from == entered.latch()) {
                code.add(new Insn.Binary(Insn.BinaryOp.ADD, count, count, Const.ofInt(1)));
            } else {
                code.add(new Insn.Move(count, Const.ofInt(0)));
                inductionsUsed(entered).forEach(v -> code.add(new Insn.Move(forwardBase(entered, v), primal.apply(v))));
            }
        }
        return code;
    }

    /** Forward, on leaving a counted loop: its count, then the entry values of its induction variables. */
    List<Insn> record(Loops.Loop l) {
        List<Insn> code = new ArrayList<>();
        code.add(new Insn.Push(forwardCount(l)));
        inductionsUsed(l).forEach(v -> code.add(new Insn.Push(forwardBase(l, v))));
        return code;
    }

    /** Adjoint, on walking back into a counted loop: pops what {@link #record} pushed. */
    void restore(Loops.Loop l, Block into) {
        List<Var> used = new ArrayList<>(inductionsUsed(l));
        for (int k = used.size() - 1; k >= 0; k--) {
            into.add(new Insn.Pop(reverseBase(l, used.get(k))));
        }
        into.add(new Insn.Pop(reverseCount(l)));
    }

    /** The counted loops that the edge {@code from -> to} leaves, in a fixed order. */
    List<Loops.Loop> exited(Block from, Block to) {
        List<Loops.Loop> out = new ArrayList<>();
        if (from != null) {
            for (Loops.Loop l : loops.values()) {
                if (l.exits(from, to)) {
                    out.add(l);
                }
            }
        }
        return out;
    }

    /** The counted loops whose body holds {@code b}, in a fixed order. */
    List<Loops.Loop> around(Block b) {
        return loops.values().stream().filter(l -> l.body().contains(b)).toList();
    }

    /** The adjoint's count of iterations left of loop {@code l}. */
    Var reverseCount(Loops.Loop l) {
        return reverseCount.computeIfAbsent(l, k -> adj.newVar(Type.INT, "iterations_left"));
    }

    /**
     * The adjoint's value of {@code v} on entry to the segment {@code [from, to)} of block {@code b},
     * when {@code v} is an induction variable of a counted loop around it:
     * {@code v0 + step * (iterations left, + 1 past the increment)}, emitted by {@code replay}; null
     * otherwise. Wherever the adjoint is in the loop's body, the count left is the iteration being
     * walked back, 0-based.
     */
    Operand induction(Var v, Block b, int from, int to, Builder replay) {
        for (Loops.Loop l : loops.values()) {
            Loops.Induction ind = l.inductions().get(v);
            if (ind == null || !l.body().contains(b)) {
                continue;
            }
            int offset = b == l.latch() && from > ind.index() ? 1 : 0;
            inductionsUsed(l).add(v);
            Operand j = replay.add(reverseCount(l), Const.ofInt(offset));
            return replay.add(reverseBase(l, v), replay.mul(j, Const.ofInt(ind.step())));
        }
        return null;
    }

    private Set<Var> inductionsUsed(Loops.Loop l) {
        return inductionsUsed.computeIfAbsent(l, k -> new LinkedHashSet<>());
    }

    private Var forwardCount(Loops.Loop l) {
        return forwardCount.computeIfAbsent(l, k -> fwd.newVar(Type.INT, "iterations"));
    }

    private Var forwardBase(Loops.Loop l, Var v) {
        return forwardBase.computeIfAbsent(l, k -> new HashMap<>())
                .computeIfAbsent(v, k -> fwd.newVar(Type.INT, "entry_" + k.name()));
    }

    private Var reverseBase(Loops.Loop l, Var v) {
        return reverseBase.computeIfAbsent(l, k -> new HashMap<>())
                .computeIfAbsent(v, k -> adj.newVar(Type.INT, "entry_" + k.name()));
    }
}
