package org.fluxion.jvmad.transform;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.jvmad.ir.Block;
import org.fluxion.jvmad.ir.Const;
import org.fluxion.jvmad.ir.Function;
import org.fluxion.jvmad.ir.Insn;
import org.fluxion.jvmad.ir.Operand;
import org.fluxion.jvmad.ir.Terminator;
import org.fluxion.jvmad.ir.Type;
import org.fluxion.jvmad.ir.Var;

/**
 * Forward mode: the tangent function of a function. Every real variable {@code v} gets a tangent
 * {@code dv}, every real array a tangent array of the same shape (allocated beside it, written
 * beside it; a row {@code r = a[i]} of an array of arrays has the tangent {@code dr = da[i]}, a row
 * stored {@code a[i] = r} stores {@code da[i] = dr}); each instruction is followed by its tangent rule, e.g. {@code z = x * y} gives
 * {@code dz = dx * y + x * dy}. Control flow is the primal's. Calls go to the callees' tangent
 * functions; a real result's tangent comes back on the tape, as does the tangent of a value the
 * transformed function itself pushes (so the transform applies to reverse-mode functions too).
 */
final class ForwardTransform {
    private final Derivatives derivatives;
    private final Function src;
    private final Function dst;
    private final Map<Var, Var> primal = new HashMap<>();
    private final Map<Var, Var> tangent = new HashMap<>();
    private final Map<Block, Block> blocks = new HashMap<>();
    private Builder b;

    ForwardTransform(Derivatives derivatives, Function src) {
        this.derivatives = derivatives;
        this.src = src;
        this.dst = new Function(src.name() + "_jvp", "tangent of " + src.origin(), src.returnType());
        List<Var> params = src.params();
        for (Var p : params) {
            if (p != src.tape()) {
                primal.put(p, dst.addParam(p.type(), p.name()));
            }
        }
        for (Var p : params) {
            if (p != src.tape() && p.type().isActive()) {
                tangent.put(p, dst.addParam(p.type(), "d" + p.name()));
            }
        }
        Var tape = dst.addTapeParam();
        if (src.tape() != null) {
            primal.put(src.tape(), tape);
        }
    }

    Function declared() {
        return dst;
    }

    void run() {
        for (Block sb : src.blocks()) {
            blocks.put(sb, dst.newBlock());
        }
        b = new Builder(dst, null);
        for (Block sb : src.blocks()) {
            b.setBlock(blocks.get(sb));
            for (Insn i : sb.insns()) {
                insn(i);
            }
            terminator(sb.terminator());
        }
    }

    private Var p(Var v) {
        return primal.computeIfAbsent(v, k -> dst.newVar(k.type(), k.name()));
    }

    private Operand p(Operand o) {
        return o instanceof Var v ? p(v) : o;
    }

    private Var t(Var v) {
        if (!v.type().isActive()) {
            throw new IllegalStateException("no tangent for " + v + ": " + v.type());
        }
        return tangent.computeIfAbsent(v, k -> dst.newVar(k.type(), "d" + k.name()));
    }

    /** The tangent of an operand: a variable's tangent, zero for a number, a zero array for a constant array. */
    private Operand t(Operand o) {
        if (o instanceof Var v) {
            return t(v);
        }
        Const c = (Const) o;
        if (c.type().isReal()) {
            return Const.zero(c.type());
        }
        return b.zeroArrayLike(c);
    }

    private void setTangent(Var d, Operand tangentValue) {
        b.add(new Insn.Move(t(d), tangentValue));
    }

    private void insn(Insn insn) {
        Var d = insn.dst();
        switch (insn) {
            case Insn.Move m -> {
                if (d.type().isActive()) {
                    setTangent(d, t(m.src()));
                }
                b.add(new Insn.Move(p(d), p(m.src())));
            }
            case Insn.Unary u -> {
                if (d.type().isReal()) {
                    Operand dt = b.neg(t(u.a()));
                    b.add(new Insn.Unary(u.op(), p(d), p(u.a())));
                    setTangent(d, dt);
                } else {
                    b.add(new Insn.Unary(u.op(), p(d), p(u.a())));
                }
            }
            case Insn.Convert c -> {
                Operand dt = null;
                if (d.type().isReal()) {
                    dt = c.a().type().isReal() ? b.convert(t(c.a()), d.type()) : Const.zero(d.type());
                }
                b.add(new Insn.Convert(p(d), p(c.a())));
                if (dt != null) {
                    setTangent(d, dt);
                }
            }
            case Insn.Binary bin -> binary(bin);
            case Insn.MathCall m -> {
                List<Operand> args = m.args().stream().map(this::p).toList();
                Var r = b.temp(d.type(), "r");
                b.add(new Insn.MathCall(m.fn(), r, args, m.strict()));
                boolean[] wanted = new boolean[args.size()];
                for (int i = 0; i < wanted.length; i++) {
                    wanted[i] = m.args().get(i) instanceof Var;
                }
                List<Operand> partials = derivatives.rules().partials(b, m.fn(), args, r, wanted);
                Operand dt = Const.zero(d.type());
                for (int i = 0; i < args.size(); i++) {
                    if (wanted[i]) {
                        dt = b.add(dt, b.mul(t(m.args().get(i)), partials.get(i)));
                    }
                }
                b.add(new Insn.Move(p(d), r));
                setTangent(d, dt);
            }
            case Insn.ArrayLoad l -> {
                if (d.type().isReal()) {
                    Operand dt = l.array() instanceof Var arr ? load(t(arr), p(l.index()), d.type())
                            : Const.zero(d.type());
                    b.add(new Insn.ArrayLoad(p(d), p(l.array()), p(l.index())));
                    setTangent(d, dt);
                } else if (d.type().isRealArray()) {
                    // A row of an array of arrays: its tangent is the same row of the tangent array.
                    Operand dt = load(t((Var) l.array()), p(l.index()), d.type());
                    b.add(new Insn.ArrayLoad(p(d), p(l.array()), p(l.index())));
                    setTangent(d, dt);
                } else {
                    b.add(new Insn.ArrayLoad(p(d), p(l.array()), p(l.index())));
                }
            }
            case Insn.ArrayStore s -> {
                if (s.array().type().isRealArray()) {
                    b.add(new Insn.ArrayStore(t(s.array()), p(s.index()), t(s.value())));
                }
                b.add(new Insn.ArrayStore(p(s.array()), p(s.index()), p(s.value())));
            }
            case Insn.NewArray n -> {
                List<Operand> inner = n.inner().stream().map(this::p).toList();
                b.add(new Insn.NewArray(p(d), p(n.length()), inner));
                if (d.type().isRealArray()) {
                    Var length = b.temp(Type.INT, "len");
                    b.add(new Insn.ArrayLength(length, p(d)));
                    b.add(new Insn.NewArray(t(d), length, inner));
                }
            }
            case Insn.ArrayLength l -> b.add(new Insn.ArrayLength(p(d), p(l.array())));
            case Insn.Call c -> call(c);
            case Insn.Invoke i -> b.add(new Insn.Invoke(i.owner(), i.name(), i.desc(), d == null ? null : p(d),
                    i.args().stream().map(this::p).toList()));
            case Insn.Push push -> {
                b.add(new Insn.Push(p(push.value())));
                if (push.value().type().isActive()) {
                    b.add(new Insn.Push(t(push.value())));
                }
            }
            case Insn.Pop pop -> {
                if (d.type().isActive()) {
                    b.add(new Insn.Pop(t(d)));
                }
                b.add(new Insn.Pop(p(d)));
            }
        }
    }

    private Operand load(Var array, Operand index, Type type) {
        Var v = b.temp(type, "dl");
        b.add(new Insn.ArrayLoad(v, array, index));
        return v;
    }

    private void binary(Insn.Binary bin) {
        Var d = bin.dst();
        Operand a = p(bin.a());
        Operand c = p(bin.b());
        if (!d.type().isReal()) {
            b.add(new Insn.Binary(bin.op(), p(d), a, c));
            return;
        }
        Var r = b.temp(d.type(), "r");
        b.add(new Insn.Binary(bin.op(), r, a, c));
        Operand da = t(bin.a());
        Operand dc = t(bin.b());
        Operand dt = switch (bin.op()) {
            case ADD -> b.add(da, dc);
            case SUB -> b.sub(da, dc);
            case MUL -> b.add(b.mul(da, c), b.mul(a, dc));
            // d(a/c) = (da - r dc) / c
            case DIV -> b.div(b.sub(da, b.mul(r, dc)), c);
            // a % c = a - c q with q = trunc(a / c) an integer: d(a % c) = da - q dc
            case REM -> b.sub(da, b.mul(b.remQuotient(a, c, r), dc));
            default -> throw new IllegalStateException(bin.op() + " on reals");
        };
        b.add(new Insn.Move(p(d), r));
        setTangent(d, dt);
    }

    private void call(Insn.Call c) {
        Function callee = c.callee();
        Function tangentFn = derivatives.tangent(callee);
        List<Operand> args = new ArrayList<>();
        List<Var> params = callee.params();
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i) != callee.tape()) {
                args.add(p(c.args().get(i)));
            }
        }
        for (int i = 0; i < params.size(); i++) {
            if (params.get(i) != callee.tape() && params.get(i).type().isActive()) {
                args.add(t(c.args().get(i)));
            }
        }
        args.add(dst.tape());
        Var d = c.dst();
        b.add(new Insn.Call(tangentFn, d == null ? null : p(d), args));
        if (d != null && d.type().isActive()) {
            b.add(new Insn.Pop(t(d)));
        }
    }

    private void terminator(Terminator term) {
        switch (term) {
            case Terminator.Return r -> {
                if (r.value() != null && r.value().type().isActive()) {
                    b.add(new Insn.Push(t(r.value())));
                }
                b.block().setTerminator(new Terminator.Return(r.value() == null ? null : p(r.value())));
            }
            case Terminator.If i -> b.block().setTerminator(new Terminator.If(i.cond(), p(i.a()), p(i.b()),
                    blocks.get(i.then()), blocks.get(i.otherwise())));
            case Terminator.Switch s -> b.block().setTerminator(new Terminator.Switch(p(s.key()), s.keys(),
                    s.targets().stream().map(blocks::get).toList(), blocks.get(s.otherwise())));
            case Terminator.Goto g -> b.block().setTerminator(new Terminator.Goto(blocks.get(g.target())));
        }
    }
}
