package org.fluxion.jvmad.ir;

import java.util.stream.Collectors;

/** A readable listing of an IR function, for debugging and for messages. */
public final class IrPrinter {
    private IrPrinter() {
    }

    /** The function as text: signature, then each block with its instructions and terminator. */
    public static String print(Function f) {
        StringBuilder sb = new StringBuilder();
        sb.append(f.name()).append('(')
                .append(f.params().stream().map(p -> p.name() + ": " + p.type()).collect(Collectors.joining(", ")))
                .append(") -> ").append(f.returnType() == null ? "void" : f.returnType()).append('\n');
        for (Block b : f.blocks()) {
            sb.append(b).append(":\n");
            for (Insn i : b.insns()) {
                sb.append("  ").append(print(i)).append('\n');
            }
            sb.append("  ").append(b.terminator()).append('\n');
        }
        return sb.toString();
    }

    /** One instruction as text. */
    public static String print(Insn insn) {
        return switch (insn) {
            case Insn.Move m -> m.dst() + " = " + m.src();
            case Insn.Unary u -> u.dst() + " = " + u.op() + " " + u.a();
            case Insn.Convert c -> c.dst() + " = (" + c.dst().type() + ") " + c.a();
            case Insn.Binary b -> b.dst() + " = " + b.a() + " " + b.op() + " " + b.b();
            case Insn.MathCall m -> m.dst() + " = " + m.fn().method() + m.args();
            case Insn.ArrayLoad l -> l.dst() + " = " + l.array() + "[" + l.index() + "]";
            case Insn.ArrayStore s -> s.array() + "[" + s.index() + "] = " + s.value();
            case Insn.NewArray n -> n.dst() + " = new " + n.dst().type() + "(" + n.operands() + ")";
            case Insn.ArrayLength l -> l.dst() + " = " + l.array() + ".length";
            case Insn.Call c -> (c.dst() == null ? "" : c.dst() + " = ") + "call " + c.callee().name() + c.args();
            case Insn.Invoke i -> (i.dst() == null ? "" : i.dst() + " = ") + i.owner().displayName() + "." + i.name()
                    + i.args();
            case Insn.Push p -> "push " + p.value();
            case Insn.Pop p -> p.dst() + " = pop";
        };
    }
}
