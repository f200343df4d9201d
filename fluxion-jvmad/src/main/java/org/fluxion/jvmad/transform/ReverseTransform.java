package org.fluxion.jvmad.transform;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fluxion.jvmad.ir.Block;
import org.fluxion.jvmad.ir.Const;
import org.fluxion.jvmad.ir.Function;
import org.fluxion.jvmad.ir.Insn;
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
 * <p>Arrays of arrays ({@code double[][]}) have shadows of the same shape whose rows are the rows'
 * shadows. A row load {@code r = a[i]} gives {@code r} the shadow row {@code sa[i]} (an assignment of
 * an array variable like any other: the shadow it replaces is recorded); a row store
 * {@code a[i] = r} stores {@code r}'s shadow into {@code sa[i]} and records the shadow row it
 * replaces, which the adjoint puts back, so the shadow of an array of arrays always has the shape
 * its array had at that point, and a parameter whose rows the method replaces still ends with its
 * own rows' adjoints. Rows are shared as the program shares them: a row stored into two arrays, or
 * written through a variable, has one shadow.
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
    private LoopRecords loopRecords;
    private Liveness liveness;
    /**
     * While a segment's adjoint rules are made: the variables whose adjoint is zero at that point of
     * the adjoint (see {@link #deadAfter}); empty elsewhere.
     */
    private final Set<Var> knownZero = new HashSet<>();
    /** While a segment is transformed: its {@link #localRows}, its instructions and values. */
    private Map<Var, Integer> segmentRows = Map.of();
    /** The rows read again, with the adjoint's variable holding each one's value (see {@link #findRowsReadAgain}). */
    private final Map<Var, Var> rowsAgain = new LinkedHashMap<>();
    private List<Insn> segmentInsns;
    private SegmentValues segmentValues;
    /** Outlined loops reversed by checkpointing: their call block, with the snapshots allowed. */
    private final Map<Block, Integer> checkpointed;
    /** For each checkpointed block: the forward block that leaves the loop, the adjoint's last block. */
    private final Map<Block, Block> checkpointExits = new HashMap<>();
    private final Map<Block, Block> reverseTails = new HashMap<>();
    private Builder fb;
    private Builder rb;

    ReverseTransform(Derivatives derivatives, Function src) {
        if (src.tape() != null) {
            throw new IllegalStateException("reverse mode of a generated function: " + src);
        }
        this.derivatives = derivatives;
        this.src = src;
        this.readOnly = derivatives.readOnlyParams(src);
        this.checkpointed = derivatives.checkpointed();
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

    Derivatives derivatives() {
        return derivatives;
    }

    /** An incoming edge of a block: from {@code from} (null: the method's entry). */
    private record Edge(Block from) {
    }

    void run() {
        List<Block> blocks = src.blocks();
        loopRecords = new LoopRecords(src, fwd, adj, this::p, checkpointed.keySet());
        liveness = new Liveness(src);
        findRowsReadAgain();
        Map<Block, List<Edge>> incoming = new HashMap<>();
        for (Block b : blocks) {
            incoming.put(b, new ArrayList<>());
        }
        incoming.get(src.entry()).add(new Edge(null));
        List<Block> returning = new ArrayList<>();
        for (Block b : blocks) {
            for (Block s : b.terminator().successors()) {
                if (!(s == b && checkpointed.containsKey(b))) {
                    incoming.get(s).add(new Edge(b));
                }
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
            if (checkpointed.containsKey(b)) {
                Insn.Call c = (Insn.Call) b.insns().getFirst();
                CheckpointedLoop loop = new CheckpointedLoop(this, c, checkpointed.get(b));
                checkpointExits.put(b, loop.forward(fwd, fblocks.get(b), derivatives.readOnlyParams(c.callee())));
                reverseTails.put(b, loop.adjoint(adj, rblocks.get(b), rb));
                continue;
            }
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
            Block rblock = reverseTails.getOrDefault(b, rblocks.get(b));
            rb.setBlock(rblock);
            Loops.Loop loop = loopRecords.headedBy(b);
            if (loop != null) {
                // A counted loop's header: back through the latch while iterations remain, then out.
                Var count = loopRecords.reverseCount(loop);
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
            for (Loops.Loop l : loopRecords.around(b)) {
                loopRecords.record(l).forEach(fb::add);
            }
            if (returning.size() > 1) {
                fb.add(new Insn.Push(Const.ofInt(returning.indexOf(b))));
            }
            trackedList.forEach(v -> fb.add(new Insn.Push(s(v))));
            readAgain.forEach(v -> fb.add(new Insn.Push(p(v))));
            rowsAgain.keySet().forEach(v -> fb.add(new Insn.Push(p(v))));
            if (r.value() != null && r.value().type().isRealArray()) {
                fb.add(new Insn.Push(shadowOf(r.value())));
            }
            fblock.setTerminator(new Terminator.Return(r.value() == null ? null : p(r.value())));
        }
        rb.setBlock(adjEntry);
        List<Var> rowsList = new ArrayList<>(rowsAgain.values());
        for (int k = rowsList.size() - 1; k >= 0; k--) {
            rb.add(new Insn.Pop(rowsList.get(k)));
        }
        for (int k = readAgain.size() - 1; k >= 0; k--) {
            rb.add(new Insn.Pop(adjPrimal.get(readAgain.get(k))));
        }
        for (int k = trackedList.size() - 1; k >= 0; k--) {
            rb.add(new Insn.Pop(sa(trackedList.get(k))));
        }
        List<Block> returnTargets = new ArrayList<>();
        for (Block b : returning) {
            List<Loops.Loop> around = loopRecords.around(b);
            if (around.isEmpty()) {
                returnTargets.add(rblocks.get(b));
            } else {
                // A return inside loops: their counts were recorded before the return's number.
                Block counts = adj.newBlock();
                for (int k = around.size() - 1; k >= 0; k--) {
                    loopRecords.restore(around.get(k), counts);
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
     * counted loops the edge leaves, starts or advances the count of the one it enters, or records
     * which edge it is among several into {@code to}.
     */
    private Block edge(Block from, Block to, Map<Block, List<Edge>> incoming, Map<Block, Block> fblocks) {
        List<Insn> code = loopRecords.onEdge(from, to);
        List<Edge> in = incoming.get(to);
        if (loopRecords.headedBy(to) == null && in.size() > 1) {
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

    /** In the adjoint, the way back along the edge {@code from -> to}: restoring the loops it left. */
    private Block reverseEdge(Block from, Block to, Map<Block, Block> rblocks, Block epilogue) {
        Block target = from == null ? epilogue : rblocks.get(from);
        List<Loops.Loop> left = loopRecords.exited(from, to);
        if (left.isEmpty()) {
            return target;
        }
        Block e = adj.newBlock();
        for (int k = left.size() - 1; k >= 0; k--) {
            loopRecords.restore(left.get(k), e);
        }
        e.setTerminator(new Terminator.Goto(target));
        return e;
    }

    private final Map<Block, BitSet> usedEdges = new HashMap<>();

    private void forwardJump(Block b, Map<Block, List<Edge>> incoming, Map<Block, Block> fblocks) {
        Block fblock = fblocks.get(b);
        if (checkpointed.containsKey(b)) {
            Block out = ((Terminator.If) b.terminator()).otherwise();
            checkpointExits.get(b).setTerminator(new Terminator.Goto(edge(b, out, incoming, fblocks)));
            return;
        }
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

    Var p(Var v) {
        return primal.computeIfAbsent(v, k -> fwd.newVar(k.type(), k.name()));
    }

    Operand p(Operand o) {
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
    Operand adjShadowOf(Operand o) {
        return o instanceof Var v ? sa(v) : rb.zeroArrayLike(o);
    }

    /** In the adjoint: {@code t = d'; d' = 0}, returning {@code t}: the variable's old adjoint dies with its value. */
    private Operand kill(Var d) {
        if (knownZero.contains(d)) {
            return Const.zero(d.type());
        }
        Var t = rb.copy(a(d), "g_" + d.name());
        rb.add(new Insn.Move(a(d), Const.zero(d.type())));
        knownZero.add(d);
        return t;
    }

    /**
     * In the adjoint: {@code x' += v} for a real variable {@code x}; nothing for a constant. The first
     * contribution to an adjoint known to be zero is a move: {@code 0.0 + v} is an addition the JIT
     * must keep (it differs from v for v = -0.0), and in a loop a chain of them through an
     * accumulator's adjoint bounds each iteration by the latency of an add.
     */
    void accumulate(Operand x, Operand v) {
        if (x instanceof Var xv && !Builder.isZero(v)) {
            if (knownZero.remove(xv)) {
                rb.add(new Insn.Move(a(xv), v));
            } else {
                Operand sum = rb.add(a(xv), v);
                rb.add(new Insn.Move(a(xv), sum));
            }
        }
    }

    /** In the adjoint: {@code x' -= v} (one subtraction rather than a negation and an addition). */
    private void subtract(Operand x, Operand v) {
        if (x instanceof Var xv && !Builder.isZero(v)) {
            if (knownZero.remove(xv)) {
                rb.add(new Insn.Move(a(xv), rb.neg(v)));
            } else {
                rb.add(new Insn.Move(a(xv), rb.sub(a(xv), v)));
            }
        }
    }

    /**
     * The variables of a segment that are dead after it (every later use follows a new assignment,
     * whose adjoint rule clears the adjoint first): their adjoints are zero when the reverse sweep
     * enters the segment.
     */
    private Set<Var> deadAfter(List<Insn> segment, Block block, int end) {
        Set<Var> live = liveAfter(block, end);
        Set<Var> dead = new HashSet<>();
        for (Insn i : segment) {
            if (i.dst() != null) {
                dead.add(i.dst());
            }
            addVars(i.operands(), dead);
        }
        dead.removeAll(live);
        return dead;
    }

    /** The variables live just before instruction {@code end} of {@code block}. */
    private Set<Var> liveAfter(Block block, int end) {
        Set<Var> live = new HashSet<>();
        for (Block s : block.terminator().successors()) {
            live.addAll(liveness.in(s));
        }
        addVars(block.terminator().operands(), live);
        List<Insn> insns = block.insns();
        for (int i = insns.size() - 1; i >= end; i--) {
            if (insns.get(i).dst() != null) {
                live.remove(insns.get(i).dst());
            }
            addVars(insns.get(i).operands(), live);
        }
        return live;
    }

    /**
     * The rows of arrays of arrays that a segment loads and uses only inside itself, after the load
     * ({@code a[i][j]} compiles to such a row in a temporary), by their instruction's index, when
     * nothing after the load changes which row {@code a[i]} is (no row store, no new {@code a}): the
     * adjoint loads the shadow row again ({@code sa[i]}) where the segment's adjoint begins, instead
     * of the forward recording the shadow it replaces; and when {@code a} can be read again, so can
     * the row, and the loads through it are computed again rather than recorded.
     */
    private Map<Var, Integer> localRows(List<Insn> insns, Block block, int from) {
        Set<Var> liveOut = liveAfter(block, from + insns.size());
        Map<Var, Integer> rows = new LinkedHashMap<>();
        for (int k = 0; k < insns.size(); k++) {
            if (!(insns.get(k) instanceof Insn.ArrayLoad l) || !l.dst().type().isRealArray()
                    || !(l.array() instanceof Var a) || liveOut.contains(l.dst())) {
                continue;
            }
            Var d = l.dst();
            boolean local = true;
            for (int j = 0; j < k && local; j++) {
                local = !insns.get(j).operands().contains(d) && insns.get(j).dst() != d;
            }
            for (int j = k + 1; j < insns.size() && local; j++) {
                Insn i = insns.get(j);
                local = i.dst() != d && i.dst() != a && !(i instanceof Insn.ArrayStore st && isRowStore(st))
                        && !(i instanceof Insn.Invoke inv && inv.args().stream().anyMatch(o -> o.type().isRef()));
            }
            if (local) {
                rows.put(d, k);
            }
        }
        return rows;
    }

    private static void addVars(List<Operand> operands, Set<Var> into) {
        for (Operand o : operands) {
            if (o instanceof Var v) {
                into.add(v);
            }
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

    /** The adjoint's reference to an array it may read again (a read-only parameter, a constant), or null. */
    private Operand readAgain(Operand array) {
        if (array instanceof Const c) {
            return c;
        }
        Var v = (Var) array;
        Integer row = segmentRows.get(v);
        if (row != null) {
            // A row of the segment: read again when its array is, by the load computed again.
            Insn.ArrayLoad load = (Insn.ArrayLoad) segmentInsns.get(row);
            return readAgain(load.array()) == null ? null : segmentValues.after(row);
        }
        if (rowsAgain.containsKey(v)) {
            // Its value in the adjoint is that of the whole segment only if the segment does not assign it.
            boolean assigned = segmentInsns != null && segmentInsns.stream().anyMatch(i -> i.dst() == v);
            return assigned ? null : rowsAgain.get(v);
        }
        if (!readOnly.contains(v)) {
            return null;
        }
        return adjPrimal.computeIfAbsent(v, k -> adj.newVar(k.type(), "ro_" + k.name()));
    }

    /** True for {@code a[i] = row} into an array of real arrays. */
    private static boolean isRowStore(Insn.ArrayStore s) {
        return s.array().type().isRealArray() && s.array().type().isArrayOfArrays();
    }

    /** Emits a segment's forward into the forward block; returns its adjoint. */
    private List<Insn> segment(List<Insn> insns, Block block, int from) {
        SegmentValues values = new SegmentValues(insns, block, from, adj, loopRecords, this::readAgain);
        segmentRows = localRows(insns, block, from);
        segmentInsns = insns;
        segmentValues = values;
        List<Insn> rules = new ArrayList<>();
        rb.setList(rules);
        knownZero.addAll(deadAfter(insns, block, from + insns.size()));
        for (int k = insns.size() - 1; k >= 0; k--) {
            adjointRule(insns.get(k), k, values);
        }
        knownZero.clear();
        // The segment's rows get their shadow rows again, in the order they were loaded.
        List<Insn> rows = new ArrayList<>();
        segmentRows.forEach((d, k) -> {
            Insn.ArrayLoad l = (Insn.ArrayLoad) insns.get(k);
            rows.add(new Insn.ArrayLoad(sa(d), sa((Var) l.array()), values.before(l.index(), k)));
        });
        values.liveIns().forEach(v -> fb.add(new Insn.Push(p(v))));
        for (int k = 0; k < insns.size(); k++) {
            forward(insns.get(k), k);
            if (values.recordedAfter(k)) {
                fb.add(new Insn.Push(p(insns.get(k).dst())));
            }
        }
        segmentRows = Map.of();
        segmentInsns = null;
        segmentValues = null;
        List<Insn> code = values.popsAndReplay();
        code.addAll(rows);
        code.addAll(rules);
        return code;
    }

    /**
     * The row variables whose every assignment loads a row from an array that can be read again (a
     * read-only parameter, or such a row), none of them a {@link #localRows local row}: {@code double[]
     * row = a[i]} before an inner loop over {@code row[j]}. The adjoint keeps each one's value as it
     * keeps its shadow (the forward records the row an assignment replaces, and hands over the last
     * on return), so the elements read through it are read again rather than recorded.
     */
    private void findRowsReadAgain() {
        Map<Var, List<Insn.ArrayLoad>> defs = new LinkedHashMap<>();
        Set<Var> excluded = new HashSet<>(src.params());
        for (Block b : src.blocks()) {
            if (checkpointed.containsKey(b)) {
                continue;
            }
            int from = 0;
            for (List<Insn> segment : segments(b.insns())) {
                Set<Var> local = segment.size() == 1 && segment.getFirst() instanceof Insn.Call ? Set.of()
                        : localRows(segment, b, from).keySet();
                for (Insn i : segment) {
                    Var d = i.dst();
                    if (d == null || !d.type().isRealArray()) {
                        continue;
                    }
                    if (i instanceof Insn.ArrayLoad l && l.array() instanceof Var && !local.contains(d)) {
                        defs.computeIfAbsent(d, k -> new ArrayList<>()).add(l);
                    } else {
                        excluded.add(d);
                    }
                }
                from += segment.size();
            }
        }
        excluded.forEach(defs::remove);
        // The greatest set whose rows all come from read-only parameters or rows of the set.
        boolean changed = true;
        while (changed) {
            changed = false;
            for (var it = defs.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                boolean ok = e.getValue().stream().allMatch(l -> readOnly.contains((Var) l.array())
                        || defs.containsKey((Var) l.array()));
                if (!ok) {
                    it.remove();
                    changed = true;
                }
            }
        }
        for (Var d : defs.keySet()) {
            rowsAgain.put(d, adj.newVar(d.type(), "ro_" + d.name()));
        }
    }

    /** True when instruction {@code k} of the segment loads one of its {@link #localRows}. */
    private boolean isLocalRow(Insn insn, int k) {
        return insn.dst() != null && Integer.valueOf(k).equals(segmentRows.get(insn.dst()));
    }

    /** The forward of one (non-call) instruction {@code k} of a segment: the primal, and the shadows of real arrays. */
    private void forward(Insn insn, int k) {
        Var d = insn.dst();
        switch (insn) {
            case Insn.ArrayLoad l when isLocalRow(l, k) -> {
                // Its shadow row is loaded again by the adjoint: nothing to record.
                fb.add(new Insn.ArrayLoad(s(d), shadowOf(l.array()), p(l.index())));
                fb.add(new Insn.ArrayLoad(p(d), p(l.array()), p(l.index())));
            }
            case Insn.Move m when d.type().isRealArray() -> {
                Operand ns = shadowOf(m.src());
                assignShadow(d, ns);
                fb.add(new Insn.Move(p(d), p(m.src())));
            }
            case Insn.NewArray n when d.type().isRealArray() -> {
                List<Operand> inner = n.inner().stream().map(this::p).toList();
                Var values = fb.temp(d.type(), "new");
                fb.add(new Insn.NewArray(values, p(n.length()), inner));
                Var zeros = fb.temp(d.type(), "snew");
                fb.add(new Insn.NewArray(zeros, p(n.length()), inner));
                assignShadow(d, zeros);
                fb.add(new Insn.Move(p(d), values));
            }
            case Insn.ArrayLoad l when d.type().isRealArray() -> {
                // A row of an array of arrays: its shadow is the same row of the shadow.
                Var row = fb.temp(d.type(), "srow");
                fb.add(new Insn.ArrayLoad(row, shadowOf(l.array()), p(l.index())));
                assignShadow(d, row);
                if (rowsAgain.containsKey(d)) {
                    fb.add(new Insn.Push(p(d)));
                }
                fb.add(new Insn.ArrayLoad(p(d), p(l.array()), p(l.index())));
            }
            case Insn.ArrayStore s when isRowStore(s) -> {
                // A row stored into an array of arrays: the shadow row goes into the shadow, and the
                // shadow row it replaces onto the tape, for the adjoint to put back.
                Var old = fb.temp(s.array().type().element(), "srow");
                Operand sa = shadowOf(s.array());
                fb.add(new Insn.ArrayLoad(old, sa, p(s.index())));
                fb.add(new Insn.Push(old));
                fb.add(new Insn.ArrayStore(sa, p(s.index()), shadowOf(s.value())));
                fb.add(new Insn.ArrayStore(p(s.array()), p(s.index()), p(s.value())));
            }
            case Insn.Move m -> fb.add(new Insn.Move(p(d), p(m.src())));
            case Insn.Unary u -> fb.add(new Insn.Unary(u.op(), p(d), p(u.a())));
            case Insn.Convert c -> fb.add(new Insn.Convert(p(d), p(c.a())));
            case Insn.Binary b -> fb.add(new Insn.Binary(b.op(), p(d), p(b.a()), p(b.b())));
            case Insn.MathCall m -> fb.add(new Insn.MathCall(m.fn(), p(d), m.args().stream().map(this::p).toList(),
                    m.strict()));
            case Insn.ArrayLoad l -> fb.add(new Insn.ArrayLoad(p(d), p(l.array()), p(l.index())));
            case Insn.ArrayStore s -> fb.add(new Insn.ArrayStore(p(s.array()), p(s.index()), p(s.value())));
            case Insn.NewArray n -> fb.add(new Insn.NewArray(p(d), p(n.length()),
                    n.inner().stream().map(this::p).toList()));
            case Insn.ArrayLength l -> fb.add(new Insn.ArrayLength(p(d), p(l.array())));
            case Insn.Invoke i -> fb.add(new Insn.Invoke(i.owner(), i.name(), i.desc(), d == null ? null : p(d),
                    i.args().stream().map(this::p).toList()));
            case Insn.Call c -> throw new IllegalStateException("a call is a segment of its own");
            case Insn.Push push -> throw new IllegalStateException("reverse mode of code with a tape: " + src);
            case Insn.Pop pop -> throw new IllegalStateException("reverse mode of code with a tape: " + src);
        }
    }

    /** The adjoint rule of instruction {@code k} of a segment, appended to the adjoint code. */
    private void adjointRule(Insn insn, int k, SegmentValues values) {
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
                    subtract(u.a(), kill(d));
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
            case Insn.ArrayLoad l when isLocalRow(l, k) -> {
            }
            case Insn.ArrayLoad l when d.type().isRealArray() -> {
                if (rowsAgain.containsKey(d)) {
                    rb.add(new Insn.Pop(rowsAgain.get(d)));
                }
                rb.add(new Insn.Pop(sa(d)));
            }
            case Insn.ArrayStore s when isRowStore(s) -> {
                // The shadow row that the store replaced goes back: the shadow has the shape it had before.
                Operand i = values.before(s.index(), k);
                Var old = rb.temp(s.array().type().element(), "srow");
                rb.add(new Insn.Pop(old));
                rb.add(new Insn.ArrayStore(sa((Var) s.array()), i, old));
            }
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

    private void binaryRule(Insn.Binary bin, int k, SegmentValues values) {
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
                subtract(c, t);
            }
            case MUL -> {
                if (a instanceof Var && a.equals(c)) {
                    // d(a a) = 2 a da, one product: t (a + a) is exactly t a + t a (scaling by 2 is exact).
                    Operand av = values.before(a, k);
                    accumulate(a, rb.mul(t, rb.add(av, av)));
                    return;
                }
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
                    subtract(c, rb.div(rb.mul(t, values.after(k)), cv));
                }
            }
            case REM -> {
                accumulate(a, t);
                if (c instanceof Var) {
                    Operand q = rb.remQuotient(values.before(a, k), values.before(c, k), values.after(k));
                    subtract(c, rb.mul(t, q));
                }
            }
            default -> throw new IllegalStateException(bin.op() + " on reals");
        }
    }

    private void mathRule(Insn.MathCall m, int k, SegmentValues values) {
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
