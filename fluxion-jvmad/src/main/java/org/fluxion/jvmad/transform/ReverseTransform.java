package org.fluxion.jvmad.transform;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.fluxion.jvmad.ir.Block;
import org.fluxion.jvmad.ir.Const;
import org.fluxion.jvmad.ir.Function;
import org.fluxion.jvmad.ir.Insn;
import org.fluxion.jvmad.ir.MathFn;
import org.fluxion.jvmad.ir.Operand;
import org.fluxion.jvmad.ir.Terminator;
import org.fluxion.jvmad.ir.Type;
import org.fluxion.jvmad.ir.Var;

/**
 * Reverse mode: from a function {@code f}, an augmented forward function and an adjoint function.
 *
 * <p>The <b>augmented forward</b> function computes {@code f} and records on the tape what the
 * adjoint needs and cannot recompute, since it never sees the forward's variables: which way control
 * came into each block that several edges enter (a loop header records one number per iteration, so
 * a {@code while} loop forward becomes a counted walk back), for each assignment of a real array
 * variable the shadow array it replaces, and values. Values are <em>cached or recomputed</em>, as in
 * Enzyme: a block is cut into segments at calls; in a segment's adjoint, cheap arithmetic is executed
 * again from the values the segment started with (recorded on entry when it needs them), and loads
 * from arrays that nothing writes (the entry's read-only inputs, static final tables; see
 * {@link ArrayOrigins}) are read again; only what is expensive (exp, sin...) or cannot be recomputed
 * (loads from arrays that are written) is recorded where it is computed.
 *
 * <p>Real arrays have shadow arrays (Enzyme's shadow memory), allocated and passed beside them,
 * holding adjoints, so an array's adjoint is shared by every variable that refers to it. The
 * <b>adjoint</b> function walks the blocks backwards: each instruction's adjoint rule runs in reverse
 * order ({@code z = x * y} gives {@code x' += z' y; y' += z' x; z' = 0}), a store {@code a[i] = v}
 * moves the shadow element into {@code v'} and clears it, a load {@code v = a[i]} adds {@code v'} into
 * the shadow element. It ends by pushing the adjoints of the real parameters, which the caller pops.
 *
 * <p>Signatures: forward {@code (params..., shadows of real-array params..., tape) -> result}, pushing
 * the result's shadow for a real-array result; adjoint {@code (shadows..., result adjoint if real,
 * tape) -> void}. Calls nest: a call's forward records inside the caller's record, its adjoint pops
 * inside the caller's reverse sweep, all on one tape.
 */
public final class ReverseTransform {
    /** The augmented forward and the adjoint function of one function. */
    public record Pair(Function forward, Function adjoint) {
    }

    /** Math functions cheap enough to compute again rather than record. */
    private static final Set<MathFn> CHEAP = Set.of(MathFn.ABS, MathFn.ABS_F, MathFn.MAX, MathFn.MIN, MathFn.MAX_F,
            MathFn.MIN_F, MathFn.SIGNUM, MathFn.SIGNUM_F, MathFn.FLOOR, MathFn.CEIL, MathFn.RINT, MathFn.TO_RADIANS,
            MathFn.TO_DEGREES, MathFn.SQRT);

    private final Derivatives derivatives;
    private final Function src;
    private final Function fwd;
    private final Function adj;
    private final Var adjResult;
    /** Array parameters whose elements nothing writes: loads from them are read again by the adjoint. */
    private final Set<Var> readOnly;
    private final Map<Var, Var> primal = new HashMap<>();
    private final Map<Var, Var> shadow = new HashMap<>();
    private final Map<Var, Var> adjoint = new HashMap<>();
    private final Map<Var, Var> adjShadow = new HashMap<>();
    /** The adjoint's copies of read-only arrays it reads again, handed over on the tape. */
    private final Map<Var, Var> adjPrimal = new LinkedHashMap<>();
    private final Set<Var> tracked = new LinkedHashSet<>();
    private Map<Block, Loops.Loop> loops;
    private final Map<Loops.Loop, Var> forwardCount = new HashMap<>();
    private final Map<Loops.Loop, Var> reverseCount = new HashMap<>();
    private Builder fb;
    private Builder rb;

    ReverseTransform(Derivatives derivatives, Function src) {
        if (src.tape() != null) {
            throw new IllegalStateException("reverse mode of a generated function: " + src);
        }
        this.derivatives = derivatives;
        this.src = src;
        this.readOnly = derivatives.readOnlyParams(src);
        this.fwd = new Function(src.name() + "_fwd", "augmented forward of " + src.origin(), src.returnType());
        this.adj = new Function(src.name() + "_adj", "adjoint of " + src.origin(), null);
        for (Var p : src.params()) {
            primal.put(p, fwd.addParam(p.type(), p.name()));
        }
        for (Var p : src.params()) {
            if (p.type().isRealArray()) {
                shadow.put(p, fwd.addParam(p.type(), "s" + p.name()));
                adjShadow.put(p, adj.addParam(p.type(), "s" + p.name()));
            }
        }
        adjResult = src.returnType() != null && src.returnType().isReal()
                ? adj.addParam(src.returnType(), "result_adjoint") : null;
        fwd.addTapeParam();
        adj.addTapeParam();
    }

    Pair declared() {
        return new Pair(fwd, adj);
    }

    /** An incoming edge of a block: from {@code from} (null: the method's entry). */
    private record Edge(Block from) {
    }

    void run() {
        List<Block> blocks = src.blocks();
        loops = Loops.counted(src);
        Map<Block, List<Edge>> incoming = new HashMap<>();
        for (Block b : blocks) {
            incoming.put(b, new ArrayList<>());
        }
        incoming.get(src.entry()).add(new Edge(null));
        List<Block> returning = new ArrayList<>();
        for (Block b : blocks) {
            for (Block s : b.terminator().successors()) {
                incoming.get(s).add(new Edge(b));
            }
            if (b.terminator() instanceof Terminator.Return) {
                returning.add(b);
            }
            for (Insn i : b.insns()) {
                if (i.dst() != null && i.dst().type().isRealArray()) {
                    tracked.add(i.dst());
                }
            }
        }
        if (returning.isEmpty()) {
            throw new IllegalStateException(src + " never returns");
        }

        Block prologue = fwd.newBlock();
        Map<Block, Block> fblocks = new HashMap<>();
        for (Block b : blocks) {
            fblocks.put(b, fwd.newBlock());
        }
        fb = new Builder(fwd, prologue);
        Block adjEntry = adj.newBlock();
        Map<Block, Block> rblocks = new HashMap<>();
        for (Block b : blocks) {
            rblocks.put(b, adj.newBlock());
        }
        Block epilogue = adj.newBlock();
        rb = new Builder(adj, null);

        // The blocks' instructions first: they decide what the jumps must record (which induction
        // variables the adjoint rebuilds from loop counts).
        for (Block b : blocks) {
            fb.setBlock(fblocks.get(b));
            List<List<Insn>> reverse = new ArrayList<>();
            int start = 0;
            for (List<Insn> segment : segments(b.insns())) {
                reverse.add(segment.size() == 1 && segment.getFirst() instanceof Insn.Call c ? call(c)
                        : segment(segment, b, start));
                start += segment.size();
            }
            Block rblock = rblocks.get(b);
            rb.setBlock(rblock);
            if (b.terminator() instanceof Terminator.Return r && adjResult != null && r.value() instanceof Var v) {
                accumulate(v, adjResult);
            }
            for (int k = reverse.size() - 1; k >= 0; k--) {
                rblock.insns().addAll(reverse.get(k));
            }
        }

        prologue.setTerminator(new Terminator.Goto(edge(null, src.entry(), incoming, fblocks)));
        for (Block b : blocks) {
            if (!(b.terminator() instanceof Terminator.Return)) {
                forwardJump(b, incoming, fblocks);
            }
        }
        for (Block b : blocks) {
            Block rblock = rblocks.get(b);
            rb.setBlock(rblock);
            Loops.Loop loop = loops.get(b);
            if (loop != null) {
                // A counted loop's header: back through the latch while iterations remain, then out.
                Var count = reverseCount(loop);
                Block again = adj.newBlock();
                again.add(new Insn.Binary(Insn.BinaryOp.SUB, count, count, Const.ofInt(1)));
                again.setTerminator(new Terminator.Goto(reverseEdge(loop.latch(), b, rblocks, epilogue)));
                Block outside = null;
                for (Edge e : incoming.get(b)) {
                    if (e.from() != loop.latch()) {
                        outside = reverseEdge(e.from(), b, rblocks, epilogue);
                    }
                }
                rblock.setTerminator(new Terminator.If(Terminator.Cond.GT, count, Const.ofInt(0), again, outside));
            } else {
                List<Block> from = new ArrayList<>();
                for (Edge e : incoming.get(b)) {
                    from.add(reverseEdge(e.from(), b, rblocks, epilogue));
                }
                rblock.setTerminator(choose(rb, from));
            }
        }

        // Returns hand over, on the tape: the counts of the loops they leave, which return it was,
        // the final shadows of reassigned array variables, the read-only arrays the adjoint reads
        // again, and last the result's shadow.
        List<Var> trackedList = new ArrayList<>(tracked);
        List<Var> readAgain = new ArrayList<>(adjPrimal.keySet());
        for (Block b : returning) {
            Block fblock = fblocks.get(b);
            fb.setBlock(fblock);
            Terminator.Return r = (Terminator.Return) b.terminator();
            for (Loops.Loop l : loopsAround(b)) {
                recordLoop(l);
            }
            if (returning.size() > 1) {
                fb.add(new Insn.Push(Const.ofInt(returning.indexOf(b))));
            }
            trackedList.forEach(v -> fb.add(new Insn.Push(s(v))));
            readAgain.forEach(v -> fb.add(new Insn.Push(p(v))));
            if (r.value() != null && r.value().type().isRealArray()) {
                fb.add(new Insn.Push(shadowOf(r.value())));
            }
            fblock.setTerminator(new Terminator.Return(r.value() == null ? null : p(r.value())));
        }
        rb.setBlock(adjEntry);
        for (int k = readAgain.size() - 1; k >= 0; k--) {
            rb.add(new Insn.Pop(adjPrimal.get(readAgain.get(k))));
        }
        for (int k = trackedList.size() - 1; k >= 0; k--) {
            rb.add(new Insn.Pop(sa(trackedList.get(k))));
        }
        List<Block> returnTargets = new ArrayList<>();
        for (Block b : returning) {
            List<Loops.Loop> around = loopsAround(b);
            if (around.isEmpty()) {
                returnTargets.add(rblocks.get(b));
            } else {
                // A return inside loops: their counts were recorded before the return's number.
                Block counts = adj.newBlock();
                for (int k = around.size() - 1; k >= 0; k--) {
                    restoreLoop(around.get(k), counts);
                }
                counts.setTerminator(new Terminator.Goto(rblocks.get(b)));
                returnTargets.add(counts);
            }
        }
        rb.setBlock(adjEntry);
        adjEntry.setTerminator(choose(rb, returnTargets));

        rb.setBlock(epilogue);
        for (Var p : src.params()) {
            if (p.type().isReal()) {
                rb.add(new Insn.Push(a(p)));
            }
        }
        epilogue.setTerminator(new Terminator.Return(null));
    }

    /** Runs of instructions between calls; each call is a segment of its own. */
    private static List<List<Insn>> segments(List<Insn> insns) {
        List<List<Insn>> segments = new ArrayList<>();
        List<Insn> current = new ArrayList<>();
        for (Insn i : insns) {
            if (i instanceof Insn.Call) {
                if (!current.isEmpty()) {
                    segments.add(current);
                    current = new ArrayList<>();
                }
                segments.add(List.of(i));
            } else {
                current.add(i);
            }
        }
        if (!current.isEmpty()) {
            segments.add(current);
        }
        return segments;
    }

    /** In the adjoint: go to the only choice, or pop which one the forward recorded. */
    private static Terminator choose(Builder rb, List<Block> targets) {
        if (targets.size() == 1) {
            return new Terminator.Goto(targets.getFirst());
        }
        Var k = rb.temp(Type.INT, "came_from");
        rb.add(new Insn.Pop(k));
        int[] keys = new int[targets.size() - 1];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = i;
        }
        return new Terminator.Switch(k, keys, targets.subList(0, keys.length), targets.getLast());
    }

    /**
     * The forward block to jump to for the edge {@code from -> to}: one that records, when needed, the
     * counts of the loops the edge leaves and which edge it is among several into {@code to}; into a
     * counted loop's header it starts or advances the count instead.
     */
    private Block edge(Block from, Block to, Map<Block, List<Edge>> incoming, Map<Block, Block> fblocks) {
        List<Insn> code = new ArrayList<>();
        for (Loops.Loop l : exited(from, to)) {
            code.add(new Insn.Push(forwardCount(l)));
            inductionsUsed(l).forEach(v -> code.add(new Insn.Push(forwardBase(l, v))));
        }
        Loops.Loop entered = loops.get(to);
        List<Edge> in = incoming.get(to);
        if (entered != null) {
            Var count = forwardCount(entered);
            if (from == entered.latch() && from != null) {
                code.add(new Insn.Binary(Insn.BinaryOp.ADD, count, count, Const.ofInt(1)));
            } else {
                code.add(new Insn.Move(count, Const.ofInt(0)));
                inductionsUsed(entered).forEach(v -> code.add(new Insn.Move(forwardBase(entered, v), p(v))));
            }
        } else if (in.size() > 1) {
            // Both arms of a branch may go to one block: each arm takes the next edge of its own.
            BitSet taken = usedEdges.computeIfAbsent(to, k -> new BitSet());
            int index = -1;
            for (int k = 0; k < in.size(); k++) {
                if (in.get(k).from() == from && !taken.get(k)) {
                    index = k;
                    break;
                }
            }
            taken.set(index);
            code.add(new Insn.Push(Const.ofInt(index)));
        }
        if (code.isEmpty()) {
            return fblocks.get(to);
        }
        Block e = fwd.newBlock();
        e.insns().addAll(code);
        e.setTerminator(new Terminator.Goto(fblocks.get(to)));
        return e;
    }

    /** In the adjoint, the way back along the edge {@code from -> to}: restoring the counts of the loops it left. */
    private Block reverseEdge(Block from, Block to, Map<Block, Block> rblocks, Block epilogue) {
        Block target = from == null ? epilogue : rblocks.get(from);
        List<Loops.Loop> left = exited(from, to);
        if (left.isEmpty()) {
            return target;
        }
        Block e = adj.newBlock();
        for (int k = left.size() - 1; k >= 0; k--) {
            restoreLoop(left.get(k), e);
        }
        e.setTerminator(new Terminator.Goto(target));
        return e;
    }

    /** Forward, on leaving a counted loop: its count, then the entry values of its induction variables. */
    private void recordLoop(Loops.Loop l) {
        fb.add(new Insn.Push(forwardCount(l)));
        inductionsUsed(l).forEach(v -> fb.add(new Insn.Push(forwardBase(l, v))));
    }

    /** Adjoint, on walking back into a counted loop: pops what {@link #recordLoop} pushed. */
    private void restoreLoop(Loops.Loop l, Block into) {
        List<Var> used = new ArrayList<>(inductionsUsed(l));
        for (int k = used.size() - 1; k >= 0; k--) {
            into.add(new Insn.Pop(reverseBase(l, used.get(k))));
        }
        into.add(new Insn.Pop(reverseCount(l)));
    }

    private final Map<Loops.Loop, Set<Var>> inductionsUsed = new HashMap<>();
    private final Map<Loops.Loop, Map<Var, Var>> forwardBase = new HashMap<>();
    private final Map<Loops.Loop, Map<Var, Var>> reverseBase = new HashMap<>();

    /** The induction variables of {@code l} whose values the adjoint rebuilds, in a fixed order. */
    private Set<Var> inductionsUsed(Loops.Loop l) {
        return inductionsUsed.computeIfAbsent(l, k -> new LinkedHashSet<>());
    }

    private Var forwardBase(Loops.Loop l, Var v) {
        return forwardBase.computeIfAbsent(l, k -> new HashMap<>())
                .computeIfAbsent(v, k -> fwd.newVar(Type.INT, "entry_" + k.name()));
    }

    private Var reverseBase(Loops.Loop l, Var v) {
        return reverseBase.computeIfAbsent(l, k -> new HashMap<>())
                .computeIfAbsent(v, k -> adj.newVar(Type.INT, "entry_" + k.name()));
    }

    /**
     * The adjoint's value of {@code v} on entry to the segment {@code [from, to)} of block {@code b},
     * when {@code v} is an induction variable of a counted loop around it:
     * {@code v0 + step * (iterations left + 1 if past the increment)}; null otherwise. The count
     * left is the iteration being walked back, 0-based, wherever the adjoint is in the loop's body.
     */
    private Operand induction(Var v, Block b, int from, int to, Builder replay) {
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

    /** The counted loops that the edge {@code from -> to} leaves, in a fixed order. */
    private List<Loops.Loop> exited(Block from, Block to) {
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
    private List<Loops.Loop> loopsAround(Block b) {
        return loops.values().stream().filter(l -> l.body().contains(b)).toList();
    }

    private Var forwardCount(Loops.Loop l) {
        return forwardCount.computeIfAbsent(l, k -> fwd.newVar(Type.INT, "iterations"));
    }

    private Var reverseCount(Loops.Loop l) {
        return reverseCount.computeIfAbsent(l, k -> adj.newVar(Type.INT, "iterations_left"));
    }

    private final Map<Block, BitSet> usedEdges = new HashMap<>();

    private void forwardJump(Block b, Map<Block, List<Edge>> incoming, Map<Block, Block> fblocks) {
        Block fblock = fblocks.get(b);
        switch (b.terminator()) {
            case Terminator.Goto g -> fblock.setTerminator(new Terminator.Goto(edge(b, g.target(), incoming, fblocks)));
            case Terminator.If i -> {
                Block then = edge(b, i.then(), incoming, fblocks);
                Block otherwise = edge(b, i.otherwise(), incoming, fblocks);
                fblock.setTerminator(new Terminator.If(i.cond(), p(i.a()), p(i.b()), then, otherwise));
            }
            case Terminator.Switch s -> {
                List<Block> targets = s.targets().stream().map(t -> edge(b, t, incoming, fblocks)).toList();
                Block otherwise = edge(b, s.otherwise(), incoming, fblocks);
                fblock.setTerminator(new Terminator.Switch(p(s.key()), s.keys(), targets, otherwise));
            }
            case Terminator.Return r -> throw new IllegalStateException("returns are placed last");
        }
    }

    // ---- variables of the two functions ----

    private Var p(Var v) {
        return primal.computeIfAbsent(v, k -> fwd.newVar(k.type(), k.name()));
    }

    private Operand p(Operand o) {
        return o instanceof Var v ? p(v) : o;
    }

    /** The forward's shadow of a real-array variable. */
    private Var s(Var v) {
        return shadow.computeIfAbsent(v, k -> fwd.newVar(k.type(), "s" + k.name()));
    }

    /** The adjoint's shadow of a real-array variable. */
    private Var sa(Var v) {
        return adjShadow.computeIfAbsent(v, k -> adj.newVar(k.type(), "s" + k.name()));
    }

    /** The adjoint of a real variable. */
    private Var a(Var v) {
        return adjoint.computeIfAbsent(v, k -> adj.newVar(k.type(), "a_" + k.name()));
    }

    /** The forward's shadow of an array operand (a zero array for a constant one). */
    private Operand shadowOf(Operand o) {
        return o instanceof Var v ? s(v) : fb.zeroArrayLike(o);
    }

    /** The adjoint's shadow of an array operand (a zero array for a constant one). */
    private Operand adjShadowOf(Operand o) {
        return o instanceof Var v ? sa(v) : rb.zeroArrayLike(o);
    }

    /** In the adjoint: {@code t = d'; d' = 0}, returning {@code t}: the variable's old adjoint dies with its value. */
    private Operand kill(Var d) {
        Var t = rb.copy(a(d), "g_" + d.name());
        rb.add(new Insn.Move(a(d), Const.zero(d.type())));
        return t;
    }

    /** In the adjoint: {@code x' += v} for a real variable {@code x}; nothing for a constant. */
    private void accumulate(Operand x, Operand v) {
        if (x instanceof Var xv && !Builder.isZero(v)) {
            Operand sum = rb.add(a(xv), v);
            rb.add(new Insn.Move(a(xv), sum));
        }
    }

    /**
     * Forward: records the shadow that {@code d} loses, then gives it {@code newShadow}. Adjoint: pops
     * it back, before the rest of the instruction's adjoint, which runs with the old shadows.
     */
    private void assignShadow(Var d, Operand newShadow) {
        fb.add(new Insn.Push(s(d)));
        fb.add(new Insn.Move(s(d), newShadow));
    }

    // ---- a segment: recompute what is cheap, record the rest ----

    /**
     * Where the values of one segment come from in its adjoint. The adjoint of the segment is, in
     * order: the pops of what the forward recorded, the replay (cheap instructions computed again, in
     * the order they depend on each other), then the adjoint rules from the last instruction back.
     */
    private final class Values {
        final List<Insn> insns;
        final Block block;
        final int from;
        final Builder replay;
        final List<Insn> replayCode = new ArrayList<>();
        final Map<Var, Var> liveIn = new LinkedHashMap<>();
        final TreeMap<Integer, Var> recorded = new TreeMap<>();
        final Map<Integer, Operand> results = new HashMap<>();

        Values(List<Insn> insns, Block block, int from) {
            this.insns = insns;
            this.block = block;
            this.from = from;
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
            Operand rebuilt = results.get(-1 - v.id());
            if (rebuilt == null && v.type().equals(Type.INT)) {
                rebuilt = induction(v, block, from, from + insns.size(), replay);
                if (rebuilt != null) {
                    results.put(-1 - v.id(), rebuilt);
                }
            }
            if (rebuilt != null) {
                return rebuilt;
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
                case Insn.ArrayLoad l when readAgain(l.array()) != null -> {
                    return replayed(new Insn.ArrayLoad(fresh(d), readAgain(l.array()), before(l.index(), j)));
                }
                case Insn.ArrayLength l when readAgain(l.array()) != null -> {
                    return replayed(new Insn.ArrayLength(fresh(d), readAgain(l.array())));
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

    /** The adjoint's reference to an array it may read again (a read-only parameter, a constant), or null. */
    private Operand readAgain(Operand array) {
        if (array instanceof Const c) {
            return c;
        }
        Var v = (Var) array;
        if (!readOnly.contains(v)) {
            return null;
        }
        return adjPrimal.computeIfAbsent(v, k -> adj.newVar(k.type(), "ro_" + k.name()));
    }

    /** Emits a segment's forward into the forward block; returns its adjoint. */
    private List<Insn> segment(List<Insn> insns, Block block, int from) {
        Values values = new Values(insns, block, from);
        List<Insn> rules = new ArrayList<>();
        rb.setList(rules);
        for (int k = insns.size() - 1; k >= 0; k--) {
            adjointRule(insns.get(k), k, values);
        }
        values.liveIn.keySet().forEach(v -> fb.add(new Insn.Push(p(v))));
        for (int k = 0; k < insns.size(); k++) {
            forward(insns.get(k));
            if (values.recorded.containsKey(k)) {
                fb.add(new Insn.Push(p(insns.get(k).dst())));
            }
        }
        List<Insn> code = new ArrayList<>();
        values.recorded.descendingMap().values().forEach(t -> code.add(new Insn.Pop(t)));
        List<Var> in = new ArrayList<>(values.liveIn.values());
        for (int k = in.size() - 1; k >= 0; k--) {
            code.add(new Insn.Pop(in.get(k)));
        }
        code.addAll(values.replayCode);
        code.addAll(rules);
        return code;
    }

    /** The forward of one (non-call) instruction: the primal, and the shadows of real arrays. */
    private void forward(Insn insn) {
        Var d = insn.dst();
        switch (insn) {
            case Insn.Move m when d.type().isRealArray() -> {
                Operand ns = shadowOf(m.src());
                assignShadow(d, ns);
                fb.add(new Insn.Move(p(d), p(m.src())));
            }
            case Insn.NewArray n when d.type().isRealArray() -> {
                Var values = fb.temp(d.type(), "new");
                fb.add(new Insn.NewArray(values, p(n.length())));
                Var zeros = fb.temp(d.type(), "snew");
                fb.add(new Insn.NewArray(zeros, p(n.length())));
                assignShadow(d, zeros);
                fb.add(new Insn.Move(p(d), values));
            }
            case Insn.Move m -> fb.add(new Insn.Move(p(d), p(m.src())));
            case Insn.Unary u -> fb.add(new Insn.Unary(u.op(), p(d), p(u.a())));
            case Insn.Convert c -> fb.add(new Insn.Convert(p(d), p(c.a())));
            case Insn.Binary b -> fb.add(new Insn.Binary(b.op(), p(d), p(b.a()), p(b.b())));
            case Insn.MathCall m -> fb.add(new Insn.MathCall(m.fn(), p(d), m.args().stream().map(this::p).toList(),
                    m.strict()));
            case Insn.ArrayLoad l -> fb.add(new Insn.ArrayLoad(p(d), p(l.array()), p(l.index())));
            case Insn.ArrayStore s -> fb.add(new Insn.ArrayStore(p(s.array()), p(s.index()), p(s.value())));
            case Insn.NewArray n -> fb.add(new Insn.NewArray(p(d), p(n.length())));
            case Insn.ArrayLength l -> fb.add(new Insn.ArrayLength(p(d), p(l.array())));
            case Insn.Invoke i -> fb.add(new Insn.Invoke(i.owner(), i.name(), i.desc(), d == null ? null : p(d),
                    i.args().stream().map(this::p).toList()));
            case Insn.Call c -> throw new IllegalStateException("a call is a segment of its own");
            case Insn.Push push -> throw new IllegalStateException("reverse mode of code with a tape: " + src);
            case Insn.Pop pop -> throw new IllegalStateException("reverse mode of code with a tape: " + src);
        }
    }

    /** The adjoint rule of instruction {@code k} of a segment, appended to the adjoint code. */
    private void adjointRule(Insn insn, int k, Values values) {
        Var d = insn.dst();
        switch (insn) {
            case Insn.Move m -> {
                if (d.type().isRealArray()) {
                    rb.add(new Insn.Pop(sa(d)));
                } else if (d.type().isReal()) {
                    accumulate(m.src(), kill(d));
                }
            }
            case Insn.Unary u -> {
                if (d.type().isReal()) {
                    accumulate(u.a(), rb.neg(kill(d)));
                }
            }
            case Insn.Convert c -> {
                if (d.type().isReal()) {
                    Operand t = kill(d);
                    if (c.a().type().isReal()) {
                        accumulate(c.a(), rb.convert(t, c.a().type()));
                    }
                }
            }
            case Insn.Binary b -> {
                if (d.type().isReal()) {
                    binaryRule(b, k, values);
                }
            }
            case Insn.MathCall m -> mathRule(m, k, values);
            case Insn.ArrayLoad l -> {
                if (d.type().isReal()) {
                    Operand t = kill(d);
                    if (l.array() instanceof Var array) {
                        Operand i = values.before(l.index(), k);
                        Var old = rb.temp(d.type(), "sh");
                        rb.add(new Insn.ArrayLoad(old, sa(array), i));
                        rb.add(new Insn.ArrayStore(sa(array), i, rb.add(old, t)));
                    }
                }
            }
            case Insn.ArrayStore s -> {
                if (s.array().type().isRealArray()) {
                    Var array = (Var) s.array();
                    Operand i = values.before(s.index(), k);
                    Var t = rb.temp(s.value().type(), "sh");
                    rb.add(new Insn.ArrayLoad(t, sa(array), i));
                    rb.add(new Insn.ArrayStore(sa(array), i, Const.zero(s.value().type())));
                    accumulate(s.value(), t);
                }
            }
            case Insn.NewArray n -> {
                if (d.type().isRealArray()) {
                    rb.add(new Insn.Pop(sa(d)));
                }
            }
            case Insn.ArrayLength l -> {
            }
            case Insn.Invoke i -> {
            }
            case Insn.Call c -> throw new IllegalStateException("a call is a segment of its own");
            case Insn.Push push -> throw new IllegalStateException("reverse mode of code with a tape: " + src);
            case Insn.Pop pop -> throw new IllegalStateException("reverse mode of code with a tape: " + src);
        }
    }

    private void binaryRule(Insn.Binary bin, int k, Values values) {
        Var d = bin.dst();
        Operand a = bin.a();
        Operand c = bin.b();
        Operand t = kill(d);
        switch (bin.op()) {
            case ADD -> {
                accumulate(a, t);
                accumulate(c, t);
            }
            case SUB -> {
                accumulate(a, t);
                accumulate(c, rb.neg(t));
            }
            case MUL -> {
                if (a instanceof Var) {
                    accumulate(a, rb.mul(t, values.before(c, k)));
                }
                if (c instanceof Var) {
                    accumulate(c, rb.mul(t, values.before(a, k)));
                }
            }
            case DIV -> {
                // d(a/c) = da / c - (a/c) dc / c
                Operand cv = values.before(c, k);
                accumulate(a, rb.div(t, cv));
                if (c instanceof Var) {
                    accumulate(c, rb.neg(rb.div(rb.mul(t, values.after(k)), cv)));
                }
            }
            case REM -> {
                accumulate(a, t);
                if (c instanceof Var) {
                    Operand q = rb.remQuotient(values.before(a, k), values.before(c, k), values.after(k));
                    accumulate(c, rb.neg(rb.mul(t, q)));
                }
            }
            default -> throw new IllegalStateException(bin.op() + " on reals");
        }
    }

    private void mathRule(Insn.MathCall m, int k, Values values) {
        Operand t = kill(m.dst());
        if (m.fn().isPiecewiseConstant()) {
            return;
        }
        boolean[] wanted = new boolean[m.args().size()];
        List<Operand> args = new ArrayList<>();
        for (int i = 0; i < wanted.length; i++) {
            wanted[i] = m.args().get(i) instanceof Var;
            args.add(MathRules.needsArgs(m.fn()) ? values.before(m.args().get(i), k) : m.args().get(i));
        }
        Operand v = MathRules.needsResult(m.fn()) ? values.after(k) : null;
        List<Operand> partials = derivatives.rules().partials(rb, m.fn(), args, v, wanted);
        for (int i = 0; i < wanted.length; i++) {
            if (wanted[i]) {
                accumulate(m.args().get(i), rb.mul(t, partials.get(i)));
            }
        }
    }

    // ---- a call ----

    /** Emits a call's forward into the forward block; returns its adjoint. */
    private List<Insn> call(Insn.Call c) {
        List<Insn> code = new ArrayList<>();
        rb.setList(code);
        Function callee = c.callee();
        Pair pair = derivatives.reverse(callee);
        Var d = c.dst();
        List<Var> params = callee.params();

        List<Operand> fargs = new ArrayList<>();
        for (Operand a : c.args()) {
            fargs.add(p(a));
        }
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).type().isRealArray()) {
                fargs.add(shadowOf(c.args().get(i)));
            }
        }
        fargs.add(fwd.tape());
        Var r = d == null ? null : fb.temp(d.type(), "ret");
        fb.add(new Insn.Call(pair.forward(), r, fargs));
        if (d != null && d.type().isRealArray()) {
            Var returnedShadow = fb.temp(d.type(), "sret");
            fb.add(new Insn.Pop(returnedShadow));
            assignShadow(d, returnedShadow);
            rb.add(new Insn.Pop(sa(d)));
        }
        if (d != null) {
            fb.add(new Insn.Move(p(d), r));
        }

        List<Operand> rargs = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i).type().isRealArray()) {
                rargs.add(adjShadowOf(c.args().get(i)));
            }
        }
        if (d != null && d.type().isReal()) {
            rargs.add(kill(d));
        }
        rargs.add(adj.tape());
        rb.add(new Insn.Call(pair.adjoint(), null, rargs));
        for (int i = params.size() - 1; i >= 0; i--) {
            if (params.get(i).type().isReal()) {
                Var g = rb.temp(params.get(i).type(), "arg_adjoint");
                rb.add(new Insn.Pop(g));
                accumulate(c.args().get(i), g);
            }
        }
        return code;
    }
}
