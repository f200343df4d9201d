package org.fluxion.jvmad.transform;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.fluxion.jvmad.ir.Block;
import org.fluxion.jvmad.ir.Const;
import org.fluxion.jvmad.ir.Function;
import org.fluxion.jvmad.ir.Insn;
import org.fluxion.jvmad.ir.MathFn;
import org.fluxion.jvmad.ir.Operand;
import org.fluxion.jvmad.ir.Type;
import org.fluxion.jvmad.ir.Var;

/**
 * Where the values of one segment (a run of instructions between calls) come from in its adjoint:
 * cache or recompute. A value the adjoint rules ask for is, in order of preference, a constant; an
 * induction variable rebuilt from its loop's count; computed again from the segment's other values
 * when its instruction is cheap (arithmetic, conversions, cheap {@code Math}, a load from an array
 * that nothing writes); or recorded by the forward: on entry to the segment for a value it starts
 * with, right after its instruction otherwise.
 *
 * <p>The segment's adjoint is then: the pops of the records, the replay (cheap instructions again, in
 * the order they depend on each other), the adjoint rules from the last instruction back.
 */
final class SegmentValues {
    /** Math functions cheap enough to compute again rather than record. */
    private static final Set<MathFn> CHEAP = Set.of(MathFn.ABS, MathFn.ABS_F, MathFn.MAX, MathFn.MIN, MathFn.MAX_F,
            MathFn.MIN_F, MathFn.SIGNUM, MathFn.SIGNUM_F, MathFn.FLOOR, MathFn.CEIL, MathFn.RINT, MathFn.TO_RADIANS,
            MathFn.TO_DEGREES, MathFn.SQRT);

    private final List<Insn> insns;
    private final Block block;
    private final int from;
    private final Function adj;
    private final LoopRecords loops;
    /** The adjoint's reference to an array it may read again, or null. */
    private final UnaryOperator<Operand> readAgain;
    private final Builder replay;
    private final List<Insn> replayCode = new ArrayList<>();
    private final Map<Var, Var> liveIn = new LinkedHashMap<>();
    private final TreeMap<Integer, Var> recorded = new TreeMap<>();
    private final Map<Integer, Operand> results = new HashMap<>();
    private final Map<Var, Operand> rebuilt = new HashMap<>();

    /**
     * @param insns the segment: instructions {@code from ...} of {@code block}
     */
    SegmentValues(List<Insn> insns, Block block, int from, Function adj, LoopRecords loops,
                  UnaryOperator<Operand> readAgain) {
        this.insns = insns;
        this.block = block;
        this.from = from;
        this.adj = adj;
        this.loops = loops;
        this.readAgain = readAgain;
        this.replay = new Builder(adj, null);
        replay.setList(replayCode);
    }

    /** The adjoint's operand holding {@code o}'s value just before instruction {@code k}. */
    Operand before(Operand o, int k) {
        if (o instanceof Const) {
            return o;
        }
        Var v = (Var) o;
        for (int j = k - 1; j >= 0; j--) {
            if (insns.get(j).dst() == v) {
                return after(j);
            }
        }
        if (liveIn.containsKey(v)) {
            return liveIn.get(v);
        }
        Operand r = rebuilt.get(v);
        if (r == null && v.type().equals(Type.INT)) {
            r = loops.induction(v, block, from, from + insns.size(), replay);
            if (r != null) {
                rebuilt.put(v, r);
            }
        }
        if (r != null) {
            return r;
        }
        return liveIn.computeIfAbsent(v, x -> adj.newVar(x.type(), "in_" + x.name()));
    }

    /** The adjoint's operand holding the value instruction {@code j} wrote. */
    Operand after(int j) {
        Operand r = results.get(j);
        if (r == null) {
            r = recompute(j);
            results.put(j, r);
        }
        return r;
    }

    /** The variables the forward records on entry, in push order. */
    List<Var> liveIns() {
        return new ArrayList<>(liveIn.keySet());
    }

    /** True when the forward records instruction {@code k}'s result right after it. */
    boolean recordedAfter(int k) {
        return recorded.containsKey(k);
    }

    /** The adjoint's pops (the reverse of the forward's pushes), then the replay. */
    List<Insn> popsAndReplay() {
        List<Insn> code = new ArrayList<>();
        recorded.descendingMap().values().forEach(t -> code.add(new Insn.Pop(t)));
        List<Var> in = new ArrayList<>(liveIn.values());
        for (int k = in.size() - 1; k >= 0; k--) {
            code.add(new Insn.Pop(in.get(k)));
        }
        code.addAll(replayCode);
        return code;
    }

    private Operand recompute(int j) {
        Insn ins = insns.get(j);
        Var d = ins.dst();
        switch (ins) {
            case Insn.Move m when !d.type().isRef() -> {
                return before(m.src(), j);
            }
            case Insn.Unary u -> {
                return replayed(new Insn.Unary(u.op(), fresh(d), before(u.a(), j)));
            }
            case Insn.Convert c -> {
                return replayed(new Insn.Convert(fresh(d), before(c.a(), j)));
            }
            case Insn.Binary b -> {
                return replayed(new Insn.Binary(b.op(), fresh(d), before(b.a(), j), before(b.b(), j)));
            }
            case Insn.MathCall m when CHEAP.contains(m.fn()) -> {
                return replayed(new Insn.MathCall(m.fn(), fresh(d),
                        m.args().stream().map(a -> before(a, j)).toList(), m.strict()));
            }
            case Insn.Invoke i when i.args().stream().noneMatch(a -> a.type().isRef()) -> {
                return replayed(new Insn.Invoke(i.owner(), i.name(), i.desc(), fresh(d),
                        i.args().stream().map(a -> before(a, j)).toList()));
            }
            case Insn.ArrayLoad l when readAgain.apply(l.array()) != null -> {
                return replayed(new Insn.ArrayLoad(fresh(d), readAgain.apply(l.array()), before(l.index(), j)));
            }
            case Insn.ArrayLength l when readAgain.apply(l.array()) != null -> {
                return replayed(new Insn.ArrayLength(fresh(d), readAgain.apply(l.array())));
            }
            default -> {
                Var t = adj.newVar(d.type(), "rec_" + d.name());
                recorded.put(j, t);
                return t;
            }
        }
    }

    private Var fresh(Var d) {
        return adj.newVar(d.type(), "re_" + d.name());
    }

    private Operand replayed(Insn insn) {
        replay.add(insn);
        return insn.dst();
    }
}
