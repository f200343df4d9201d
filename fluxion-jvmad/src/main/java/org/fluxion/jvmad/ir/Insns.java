package org.fluxion.jvmad.ir;

/** Helpers over instructions. */
public final class Insns {
    private Insns() {
    }

    /** The same instruction writing {@code dst} instead (of the same type) instead of its own destination. */
    public static Insn withDst(Insn insn, Var dst) {
        return switch (insn) {
            case Insn.Move m -> new Insn.Move(dst, m.src());
            case Insn.Unary u -> new Insn.Unary(u.op(), dst, u.a());
            case Insn.Convert c -> new Insn.Convert(dst, c.a());
            case Insn.Binary b -> new Insn.Binary(b.op(), dst, b.a(), b.b());
            case Insn.MathCall m -> new Insn.MathCall(m.fn(), dst, m.args(), m.strict());
            case Insn.ArrayLoad l -> new Insn.ArrayLoad(dst, l.array(), l.index());
            case Insn.NewArray n -> new Insn.NewArray(dst, n.length(), n.inner());
            case Insn.ArrayLength l -> new Insn.ArrayLength(dst, l.array());
            case Insn.Call c -> new Insn.Call(c.callee(), dst, c.args());
            case Insn.Invoke i -> new Insn.Invoke(i.owner(), i.name(), i.desc(), dst, i.args());
            case Insn.Pop p -> new Insn.Pop(dst);
            case Insn.ArrayStore s -> throw new IllegalArgumentException("an array store writes no variable");
            case Insn.Push p -> throw new IllegalArgumentException("a push writes no variable");
        };
    }
}
