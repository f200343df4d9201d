package org.fluxion.jvmad.transform;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
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
 * adjoint will need and could not otherwise know, since it never reads the primal's variables: the
 * operands of nonlinear operations ({@code x} and {@code y} of {@code x * y}), the indices of real
 * array accesses, which way control came into each block that several edges enter (the loop header
 * records one number per iteration: a {@code while} loop forward becomes a counted walk back), and,
 * for each assignment of a real array variable, the shadow array it replaces. Real arrays have
 * shadow arrays (Enzyme's shadow memory): allocated beside them, passed beside them, holding
 * adjoints, so an array's adjoint is shared by every variable that refers to it.
 *
 * <p>The <b>adjoint</b> function walks the blocks backwards, popping: each instruction's adjoint
 * rule runs in reverse order ({@code z = x * y} gives {@code x' += z' y; y' += z' x; z' = 0}), a
 * store {@code a[i] = v} moves the shadow element into {@code v'} and clears it, a load
 * {@code v = a[i]} adds {@code v'} into the shadow element. It ends by pushing the adjoints of the
 * real parameters, which the caller pops.
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
    private final Map<Var, Var> primal = new HashMap<>();
    private final Map<Var, Var> shadow = new HashMap<>();
    private final Map<Var, Var> adjoint = new HashMap<>();
    private final Map<Var, Var> adjShadow = new HashMap<>();
    private final Set<Var> tracked = new LinkedHashSet<>();
    private Builder fb;
    private Builder rb;
    /** Temporaries of the adjoint holding what the current instruction recorded, in push order. */
    private final List<Var> recorded = new ArrayList<>();
    private final Map<Var, Var> recordedOnce = new IdentityHashMap<>();

    ReverseTransform(Derivatives derivatives, Function src) {
        if (src.tape() != null) {
            throw new IllegalStateException("reverse mode of a generated function: " + src);
        }
        this.derivatives = derivatives;
        this.src = src;
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
        List<Var> trackedList = new ArrayList<>(tracked);

        // Forward: a prologue, one block per source block, edge blocks that record the way in.
        Block prologue = fwd.newBlock();
        Map<Block, Block> fblocks = new HashMap<>();
        for (Block b : blocks) {
            fblocks.put(b, fwd.newBlock());
        }
        fb = new Builder(fwd, prologue);
        prologue.setTerminator(new Terminator.Goto(edge(null, src.entry(), incoming, fblocks)));

        // Adjoint: an entry that restores the final shadows and picks the return taken, one block per
        // source block, an epilogue that hands back the parameters' adjoints.
        Block adjEntry = adj.newBlock();
        Map<Block, Block> rblocks = new HashMap<>();
        for (Block b : blocks) {
            rblocks.put(b, adj.newBlock());
        }
        Block epilogue = adj.newBlock();
        if (returning.isEmpty()) {
            throw new IllegalStateException(src + " never returns");
        }
        rb = new Builder(adj, adjEntry);
        for (int k = trackedList.size() - 1; k >= 0; k--) {
            rb.add(new Insn.Pop(sa(trackedList.get(k))));
        }
        adjEntry.setTerminator(choose(rb, returning.stream().map(rblocks::get).toList()));

        for (Block b : blocks) {
            fb.setBlock(fblocks.get(b));
            List<List<Insn>> reverse = new ArrayList<>();
            for (Insn i : b.insns()) {
                List<Insn> code = new ArrayList<>();
                rb.setList(code);
                recorded.clear();
                recordedOnce.clear();
                insn(i);
                reverse.add(code);
            }
            Block rblock = rblocks.get(b);
            rb.setBlock(rblock);
            if (b.terminator() instanceof Terminator.Return r && adjResult != null && r.value() instanceof Var v) {
                accumulate(v, adjResult);
            }
            for (int k = reverse.size() - 1; k >= 0; k--) {
                rblock.insns().addAll(reverse.get(k));
            }
            List<Block> from = new ArrayList<>();
            for (Edge e : incoming.get(b)) {
                from.add(e.from() == null ? epilogue : rblocks.get(e.from()));
            }
            rblock.setTerminator(choose(rb, from));
            forwardTerminator(b, incoming, fblocks, returning, trackedList);
        }

        rb.setBlock(epilogue);
        for (Var p : src.params()) {
            if (p.type().isReal()) {
                rb.add(new Insn.Push(a(p)));
            }
        }
        epilogue.setTerminator(new Terminator.Return(null));
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

    /** The forward block to jump to for the edge {@code from -> to}: one that records the edge when {@code to} has several. */
    private Block edge(Block from, Block to, Map<Block, List<Edge>> incoming, Map<Block, Block> fblocks) {
        List<Edge> in = incoming.get(to);
        if (in.size() == 1) {
            return fblocks.get(to);
        }
        // Both arms of a branch may go to one block: each arm takes the next edge of its own.
        java.util.BitSet taken = usedEdges.computeIfAbsent(to, k -> new java.util.BitSet());
        int index = -1;
        for (int k = 0; k < in.size(); k++) {
            if (in.get(k).from() == from && !taken.get(k)) {
                index = k;
                break;
            }
        }
        taken.set(index);
        Block e = fwd.newBlock();
        e.add(new Insn.Push(Const.ofInt(index)));
        e.setTerminator(new Terminator.Goto(fblocks.get(to)));
        return e;
    }

    private final Map<Block, java.util.BitSet> usedEdges = new HashMap<>();

    private void forwardTerminator(Block b, Map<Block, List<Edge>> incoming, Map<Block, Block> fblocks,
                                   List<Block> returning, List<Var> trackedList) {
        Block fblock = fblocks.get(b);
        switch (b.terminator()) {
            case Terminator.Return r -> {
                fb.setBlock(fblock);
                if (returning.size() > 1) {
                    fb.add(new Insn.Push(Const.ofInt(returning.indexOf(b))));
                }
                for (Var v : trackedList) {
                    fb.add(new Insn.Push(s(v)));
                }
                Operand value = r.value() == null ? null : p(r.value());
                if (r.value() != null && r.value().type().isRealArray()) {
                    fb.add(new Insn.Push(shadowOf(r.value())));
                }
                fblock.setTerminator(new Terminator.Return(value));
            }
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

    // ---- recording ----

    /** Records {@code o}'s value now (forward) and returns the adjoint's copy of it; constants need no record. */
    private Operand record(Operand o) {
        if (o instanceof Const) {
            return o;
        }
        Var v = (Var) o;
        Var copy = recordedOnce.get(v);
        if (copy == null) {
            fb.add(new Insn.Push(p(v)));
            copy = adj.newVar(v.type(), "rec_" + v.name());
            recorded.add(copy);
            recordedOnce.put(v, copy);
        }
        return copy;
    }

    /** Records a value computed by the forward into a fresh variable (a result, a quotient). */
    private Operand recordValue(Var forwardValue) {
        fb.add(new Insn.Push(forwardValue));
        Var copy = adj.newVar(forwardValue.type(), "rec_" + forwardValue.name());
        recorded.add(copy);
        return copy;
    }

    /** In the adjoint: pops everything the instruction recorded, last first. */
    private void popRecorded() {
        for (int k = recorded.size() - 1; k >= 0; k--) {
            rb.add(new Insn.Pop(recorded.get(k)));
        }
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

    // ---- instructions ----

    private void insn(Insn insn) {
        Var d = insn.dst();
        switch (insn) {
            case Insn.Move m -> {
                if (d.type().isRealArray()) {
                    assignShadow(d, shadowOf(m.src()));
                }
                fb.add(new Insn.Move(p(d), p(m.src())));
                if (d.type().isReal()) {
                    accumulate(m.src(), kill(d));
                }
            }
            case Insn.Unary u -> {
                fb.add(new Insn.Unary(u.op(), p(d), p(u.a())));
                if (d.type().isReal()) {
                    accumulate(u.a(), rb.neg(kill(d)));
                }
            }
            case Insn.Convert c -> {
                fb.add(new Insn.Convert(p(d), p(c.a())));
                if (d.type().isReal()) {
                    Operand t = kill(d);
                    if (c.a().type().isReal()) {
                        accumulate(c.a(), rb.convert(t, c.a().type()));
                    }
                }
            }
            case Insn.Binary b -> binary(b);
            case Insn.MathCall m -> mathCall(m);
            case Insn.ArrayLoad l -> {
                if (!d.type().isReal()) {
                    fb.add(new Insn.ArrayLoad(p(d), p(l.array()), p(l.index())));
                } else if (l.array() instanceof Var array) {
                    Operand i = record(l.index());
                    fb.add(new Insn.ArrayLoad(p(d), p(array), p(l.index())));
                    popRecorded();
                    Operand t = kill(d);
                    Var old = rb.temp(d.type(), "sh");
                    rb.add(new Insn.ArrayLoad(old, sa(array), i));
                    rb.add(new Insn.ArrayStore(sa(array), i, rb.add(old, t)));
                } else {
                    fb.add(new Insn.ArrayLoad(p(d), p(l.array()), p(l.index())));
                    kill(d);
                }
            }
            case Insn.ArrayStore s -> {
                if (!s.array().type().isRealArray()) {
                    fb.add(new Insn.ArrayStore(p(s.array()), p(s.index()), p(s.value())));
                    return;
                }
                Var array = (Var) s.array();
                Operand i = record(s.index());
                fb.add(new Insn.ArrayStore(p(array), p(s.index()), p(s.value())));
                popRecorded();
                Var t = rb.temp(s.value().type(), "sh");
                rb.add(new Insn.ArrayLoad(t, sa(array), i));
                rb.add(new Insn.ArrayStore(sa(array), i, Const.zero(s.value().type())));
                accumulate(s.value(), t);
            }
            case Insn.NewArray n -> {
                if (!d.type().isRealArray()) {
                    fb.add(new Insn.NewArray(p(d), p(n.length())));
                    return;
                }
                Var values = fb.temp(d.type(), "new");
                fb.add(new Insn.NewArray(values, p(n.length())));
                Var zeros = fb.temp(d.type(), "snew");
                fb.add(new Insn.NewArray(zeros, p(n.length())));
                assignShadow(d, zeros);
                fb.add(new Insn.Move(p(d), values));
            }
            case Insn.ArrayLength l -> fb.add(new Insn.ArrayLength(p(d), p(l.array())));
            case Insn.Call c -> call(c);
            case Insn.Invoke i -> fb.add(new Insn.Invoke(i.owner(), i.name(), i.desc(), d == null ? null : p(d),
                    i.args().stream().map(this::p).toList()));
            case Insn.Push push -> throw new IllegalStateException("reverse mode of code with a tape: " + src);
            case Insn.Pop pop -> throw new IllegalStateException("reverse mode of code with a tape: " + src);
        }
    }

    /**
     * Forward: records the shadow that {@code d} loses, then gives it {@code newShadow}. Adjoint: pops
     * it back. (Placed before the rest of the instruction's adjoint, which runs with the old shadows.)
     */
    private void assignShadow(Var d, Operand newShadow) {
        fb.add(new Insn.Push(s(d)));
        fb.add(new Insn.Move(s(d), newShadow));
        rb.add(new Insn.Pop(sa(d)));
    }

    private void binary(Insn.Binary bin) {
        Var d = bin.dst();
        Operand a = bin.a();
        Operand c = bin.b();
        if (!d.type().isReal()) {
            fb.add(new Insn.Binary(bin.op(), p(d), p(a), p(c)));
            return;
        }
        switch (bin.op()) {
            case ADD, SUB -> {
                fb.add(new Insn.Binary(bin.op(), p(d), p(a), p(c)));
                Operand t = kill(d);
                accumulate(a, t);
                accumulate(c, bin.op() == Insn.BinaryOp.ADD ? t : rb.neg(t));
            }
            case MUL -> {
                Operand ra = c instanceof Var ? record(a) : a;
                Operand rc = a instanceof Var ? record(c) : c;
                fb.add(new Insn.Binary(bin.op(), p(d), p(a), p(c)));
                popRecorded();
                Operand t = kill(d);
                if (a instanceof Var) {
                    accumulate(a, rb.mul(t, rc));
                }
                if (c instanceof Var) {
                    accumulate(c, rb.mul(t, ra));
                }
            }
            case DIV -> {
                // d(a/c) = da / c - (a/c) dc / c
                Operand rc = record(c);
                Var r = fb.temp(d.type(), "q");
                fb.add(new Insn.Binary(bin.op(), r, p(a), p(c)));
                Operand rr = c instanceof Var ? recordValue(r) : null;
                fb.add(new Insn.Move(p(d), r));
                popRecorded();
                Operand t = kill(d);
                accumulate(a, rb.div(t, rc));
                if (rr != null) {
                    accumulate(c, rb.neg(rb.div(rb.mul(t, rr), rc)));
                }
            }
            case REM -> {
                Var r = fb.temp(d.type(), "rem");
                fb.add(new Insn.Binary(bin.op(), r, p(a), p(c)));
                Operand q = null;
                if (c instanceof Var) {
                    Operand fq = fb.remQuotient(p(a), p(c), r);
                    q = fq instanceof Var v ? recordValue(v) : fq;
                }
                fb.add(new Insn.Move(p(d), r));
                popRecorded();
                Operand t = kill(d);
                accumulate(a, t);
                if (q != null) {
                    accumulate(c, rb.neg(rb.mul(t, q)));
                }
            }
            default -> throw new IllegalStateException(bin.op() + " on reals");
        }
    }

    private void mathCall(Insn.MathCall m) {
        Var d = m.dst();
        MathRules rules = derivatives.rules();
        List<Operand> args = new ArrayList<>();
        for (Operand x : m.args()) {
            args.add(MathRules.needsArgs(m.fn()) ? record(x) : x);
        }
        Var r = fb.temp(d.type(), "r");
        fb.add(new Insn.MathCall(m.fn(), r, m.args().stream().map(this::p).toList()));
        Operand rr = MathRules.needsResult(m.fn()) ? recordValue(r) : null;
        fb.add(new Insn.Move(p(d), r));
        popRecorded();
        Operand t = kill(d);
        if (m.fn().isPiecewiseConstant()) {
            return;
        }
        List<Operand> partials = rules.partials(rb, m.fn(), args, rr);
        for (int i = 0; i < args.size(); i++) {
            if (m.args().get(i) instanceof Var) {
                accumulate(m.args().get(i), rb.mul(t, partials.get(i)));
            }
        }
    }

    private void call(Insn.Call c) {
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
    }
}
