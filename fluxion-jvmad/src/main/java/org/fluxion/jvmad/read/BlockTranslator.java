package org.fluxion.jvmad.read;

import java.lang.classfile.Instruction;
import java.lang.classfile.Opcode;
import java.lang.classfile.TypeKind;
import java.lang.classfile.instruction.ArrayLoadInstruction;
import java.lang.classfile.instruction.ArrayStoreInstruction;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.ConvertInstruction;
import java.lang.classfile.instruction.DiscontinuedInstruction;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.IncrementInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.MonitorInstruction;
import java.lang.classfile.instruction.NewMultiArrayInstruction;
import java.lang.classfile.instruction.NewObjectInstruction;
import java.lang.classfile.instruction.NewPrimitiveArrayInstruction;
import java.lang.classfile.instruction.NewReferenceArrayInstruction;
import java.lang.classfile.instruction.NopInstruction;
import java.lang.classfile.instruction.OperatorInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.classfile.instruction.StackInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.classfile.instruction.ThrowInstruction;
import java.lang.classfile.instruction.TypeCheckInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import org.fluxion.jvmad.runtime.Errors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fluxion.jvmad.ir.Block;
import org.fluxion.jvmad.ir.Const;
import org.fluxion.jvmad.ir.Insn;
import org.fluxion.jvmad.ir.Insns;
import org.fluxion.jvmad.ir.NotDifferentiableException;
import org.fluxion.jvmad.ir.Operand;
import org.fluxion.jvmad.ir.Terminator;
import org.fluxion.jvmad.ir.Type;
import org.fluxion.jvmad.ir.Var;

/**
 * Translates one basic block of bytecode into IR with a symbolic operand stack: loads push the
 * local's variable or a constant, operations write fresh temporaries, and a store into a local
 * writes it directly when it can ({@code dload a; dload b; dmul; dstore c} becomes {@code c = a * b}).
 * Values left on the stack at the block's end are copied into the stack-slot variables its successors
 * start from.
 */
final class BlockTranslator {
    /** The frame at the end of the block and the blocks control may go to. */
    record Exit(Frame frame, List<Integer> successors) {
    }

    private final BytecodeReader reader;
    private final Frame frame;
    private final Block out;
    private final Frame[] entries;
    /** The IR blocks, or null while only types are wanted. */
    private final List<Block> blocks;
    private final List<Operand> stack = new ArrayList<>();
    private final Set<Var> temps = new HashSet<>();
    private final InvokeResolver invokes;
    private int at;

    BlockTranslator(BytecodeReader reader, Frame frame, Block out, Frame[] entries, List<Block> blocks) {
        this.reader = reader;
        this.frame = frame;
        this.out = out;
        this.entries = entries;
        this.blocks = blocks;
        this.invokes = new InvokeResolver(reader.program(), reader.ref());
        for (int d = 0; d < frame.stack.size(); d++) {
            stack.add(reader.stackSlot(d, frame.stack.get(d)));
        }
    }

    Exit run(int block, int start, int end) {
        for (at = start; at < end; at++) {
            Instruction ins = reader.insn(at);
            if (ins instanceof NewObjectInstruction n && end - at >= 4) {
                Exit thrown = throwNew(n, end);
                if (thrown != null) {
                    return thrown;
                }
            }
            Exit exit = terminator(block, ins);
            if (exit != null) {
                return exit;
            }
            translate(ins);
        }
        int next = reader.fallThrough(block);
        if (next < 0) {
            throw reader.error(end - 1, "control falls off the end of the code");
        }
        at = end - 1;
        return jump(List.of(next), List.of(), ops -> new Terminator.Goto(target(next)));
    }

    /**
     * {@code throw new T()} or {@code throw new T("message")} ending the block, for an unchecked T:
     * a call that throws a new T with that message ({@link Errors#raise}), then a return the call never
     * reaches. The exception propagates out of every derivative, as out of the method. Null when the
     * block does not end so.
     */
    private Exit throwNew(NewObjectInstruction n, int end) {
        int k = at + 1;
        if (!(reader.insn(k) instanceof StackInstruction d && d.opcode() == Opcode.DUP)) {
            return null;
        }
        k++;
        String message = null;
        if (reader.insn(k) instanceof ConstantInstruction c && c.constantValue() instanceof String str) {
            message = str;
            k++;
        }
        if (k + 1 >= end || !(reader.insn(k) instanceof InvokeInstruction init)
                || !init.name().equalsString("<init>") || !init.owner().asSymbol().equals(n.className().asSymbol())
                || !init.typeSymbol().descriptorString().equals(message == null ? "()V" : "(Ljava/lang/String;)V")
                || !(reader.insn(k + 1) instanceof ThrowInstruction)) {
            return null;
        }
        String name = n.className().asInternalName().replace('/', '.');
        Class<?> type;
        try {
            type = Class.forName(name, false, reader.ref().loader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw reader.error(at, "throws " + name + ", a class that cannot be loaded");
        }
        if (!RuntimeException.class.isAssignableFrom(type) && !Error.class.isAssignableFrom(type)) {
            throw reader.error(at, "throws the checked exception " + name + "; only unchecked exceptions"
                    + " (RuntimeException, Error) can be thrown by differentiated code");
        }
        Errors.Raise raise = new Errors.Raise(type.asSubclass(Throwable.class), message);
        Type raiseType = Type.ref(Errors.Raise.class.describeConstable().orElseThrow());
        out.add(new Insn.Invoke(ClassDesc.of(Errors.class.getName()), "raise",
                MethodTypeDesc.of(ConstantDescs.CD_void, raiseType.desc()), null, List.of(new Const(raiseType, raise))));
        at = k + 1;
        Type result = reader.function().returnType();
        Operand unreachable = result == null ? null
                : result.isRef() ? new Const(result, null) : Const.zero(result);
        List<Operand> ops = unreachable == null ? List.of() : List.of(unreachable);
        return jump(List.of(), ops, o -> new Terminator.Return(o.isEmpty() ? null : o.getFirst()));
    }

    // ---- terminators ----

    private Exit terminator(int block, Instruction ins) {
        switch (ins) {
            case BranchInstruction b -> {
                int target = reader.blockAt(b.target());
                Opcode op = b.opcode();
                if (op == Opcode.GOTO || op == Opcode.GOTO_W) {
                    return jump(List.of(target), List.of(), ops -> new Terminator.Goto(target(target)));
                }
                int next = reader.fallThrough(block);
                Operand a;
                Operand c;
                Terminator.Cond cond;
                switch (op) {
                    case IFEQ, IFNE, IFLT, IFGE, IFGT, IFLE -> {
                        a = pop();
                        c = Const.ofInt(0);
                        cond = Terminator.Cond.valueOf(op.name().substring(2));
                    }
                    case IF_ICMPEQ, IF_ICMPNE, IF_ICMPLT, IF_ICMPGE, IF_ICMPGT, IF_ICMPLE -> {
                        c = pop();
                        a = pop();
                        cond = Terminator.Cond.valueOf(op.name().substring(7));
                    }
                    case IF_ACMPEQ, IF_ACMPNE -> {
                        c = pop();
                        a = pop();
                        cond = Terminator.Cond.valueOf(op.name().substring(7));
                    }
                    case IFNULL, IFNONNULL -> {
                        a = pop();
                        c = new Const(Type.NULL, null);
                        cond = op == Opcode.IFNULL ? Terminator.Cond.EQ : Terminator.Cond.NE;
                    }
                    default -> throw reader.error(at, "unsupported branch " + op);
                }
                return jump(List.of(target, next), List.of(a, c),
                        ops -> new Terminator.If(cond, ops.get(0), ops.get(1), target(target), target(next)));
            }
            case TableSwitchInstruction t -> {
                return switchTo(t.defaultTarget(), t.cases());
            }
            case LookupSwitchInstruction l -> {
                return switchTo(l.defaultTarget(), l.cases());
            }
            case ReturnInstruction r -> {
                Operand v = r.typeKind() == TypeKind.VOID ? null : pop();
                List<Operand> ops = v == null ? List.of() : List.of(v);
                return jump(List.of(), ops, o -> new Terminator.Return(o.isEmpty() ? null : o.getFirst()));
            }
            default -> {
                return null;
            }
        }
    }

    private Exit switchTo(java.lang.classfile.Label dflt, List<SwitchCase> cases) {
        Operand key = pop();
        List<Integer> succ = new ArrayList<>();
        int[] keys = new int[cases.size()];
        for (int i = 0; i < cases.size(); i++) {
            keys[i] = cases.get(i).caseValue();
            succ.add(reader.blockAt(cases.get(i).target()));
        }
        int otherwise = reader.blockAt(dflt);
        List<Integer> all = new ArrayList<>(succ);
        all.add(otherwise);
        return jump(all, List.of(key), ops -> new Terminator.Switch(ops.getFirst(), keys,
                succ.stream().map(this::target).toList(), target(otherwise)));
    }

    private Block target(int block) {
        return blocks.get(block);
    }

    /**
     * Ends the block: copies what is left on the stack into the successors' stack-slot variables
     * (a parallel copy: a slot read by another slot's copy or by the terminator is saved first),
     * then sets the terminator built from the (possibly saved) operands.
     */
    private Exit jump(List<Integer> successors, List<Operand> termOperands,
                      java.util.function.Function<List<Operand>, Terminator> make) {
        frame.stack.clear();
        for (Operand o : stack) {
            frame.stack.add(o.type());
        }
        if (blocks == null) {
            return new Exit(frame, successors);
        }
        List<Operand> ops = new ArrayList<>(termOperands);
        if (!stack.isEmpty() && !successors.isEmpty()) {
            List<Type> types = entries[successors.getFirst()].stack;
            for (int s : successors) {
                if (!entries[s].stack.equals(types)) {
                    throw reader.error(at, "branches with values of different types on the operand stack");
                }
            }
            List<Var> dests = new ArrayList<>();
            for (int d = 0; d < stack.size(); d++) {
                dests.add(reader.stackSlot(d, types.get(d)));
            }
            Map<Var, Var> saved = new HashMap<>();
            for (int d = 0; d < stack.size(); d++) {
                if (stack.get(d) != dests.get(d)) {
                    for (int e = 0; e < stack.size(); e++) {
                        if (stack.get(e) == dests.get(d) && e != d) {
                            saved.computeIfAbsent(dests.get(d), this::saveCopy);
                        }
                    }
                    for (Operand o : ops) {
                        if (o == dests.get(d)) {
                            saved.computeIfAbsent(dests.get(d), this::saveCopy);
                        }
                    }
                }
            }
            ops.replaceAll(o -> o instanceof Var v && saved.containsKey(v) ? saved.get(v) : o);
            for (int d = 0; d < stack.size(); d++) {
                Operand src = stack.get(d) instanceof Var v && saved.containsKey(v) ? saved.get(v) : stack.get(d);
                if (src != dests.get(d)) {
                    out.add(new Insn.Move(dests.get(d), src));
                }
            }
        }
        out.setTerminator(make.apply(ops));
        return new Exit(frame, successors);
    }

    private Var saveCopy(Var v) {
        Var t = temp(v.type());
        out.add(new Insn.Move(t, v));
        return t;
    }

    // ---- straight-line instructions ----

    private void translate(Instruction ins) {
        switch (ins) {
            case LoadInstruction l -> {
                Type t = l.typeKind() == TypeKind.REFERENCE ? frame.locals[l.slot()] : Type.of(l.typeKind());
                if (t == null) {
                    throw reader.error(at, "reads local slot " + l.slot() + " whose type is not known here");
                }
                push(reader.local(l.slot(), t));
            }
            case StoreInstruction s -> store(s.slot(), pop());
            case IncrementInstruction i -> {
                Var v = reader.local(i.slot(), Type.INT);
                materialize(v, out.insns().size());
                out.add(new Insn.Binary(Insn.BinaryOp.ADD, v, v, Const.ofInt(i.constant())));
            }
            case ConstantInstruction c -> push(constant(c));
            case OperatorInstruction o -> operator(o.opcode());
            case ConvertInstruction c -> convert(c);
            case ArrayLoadInstruction a -> arrayLoad();
            case ArrayStoreInstruction a -> arrayStore();
            case NewPrimitiveArrayInstruction n -> {
                Operand length = pop();
                Var t = temp(Type.ref(n.typeKind().upperBound().arrayType()));
                out.add(new Insn.NewArray(t, length));
                push(t);
            }
            case NewReferenceArrayInstruction n -> {
                ClassDesc component = n.componentType().asSymbol();
                if (!isArrayOfPrimitives(component)) {
                    throw reader.error(at, "allocates an array of " + component.displayName()
                            + "; only arrays of primitives and arrays of such arrays are supported");
                }
                Operand length = pop();
                Var t = temp(Type.ref(component.arrayType()));
                out.add(new Insn.NewArray(t, length));
                push(t);
            }
            case NewMultiArrayInstruction n -> {
                ClassDesc type = n.arrayType().asSymbol();
                if (!isArrayOfPrimitives(type)) {
                    throw reader.error(at, "allocates the multi-dimensional array " + type.displayName()
                            + "; only arrays of primitives and arrays of such arrays are supported");
                }
                List<Operand> lengths = new ArrayList<>();
                for (int k = 0; k < n.dimensions(); k++) {
                    lengths.addFirst(pop());
                }
                Var t = temp(Type.ref(type));
                out.add(new Insn.NewArray(t, lengths.getFirst(), lengths.subList(1, lengths.size())));
                push(t);
            }
            case StackInstruction s -> stackOp(s.opcode());
            case InvokeInstruction i -> invoke(i);
            case FieldInstruction f -> push(StaticFields.read(reader, at, f));
            case TypeCheckInstruction t -> {
                if (t.opcode() == Opcode.CHECKCAST && peek().type().desc().equals(t.type().asSymbol())) {
                    return;
                }
                throw reader.error(at, (t.opcode() == Opcode.CHECKCAST ? "casts to " : "tests instanceof ")
                        + t.type().asSymbol().displayName() + "; objects cannot be differentiated");
            }
            case NopInstruction n -> {
            }
            case ThrowInstruction t -> throw reader.error(at, "throws an exception other than a new unchecked one"
                    + " made in place (throw new T() or throw new T(\"constant message\")); such code cannot be"
                    + " differentiated (return a value such as NaN instead)");
            case NewObjectInstruction n -> throw reader.error(at, "allocates an object (new "
                    + n.className().asInternalName().replace('/', '.') + "); only primitives and arrays of them are supported");
            case MonitorInstruction m -> throw reader.error(at, "synchronizes (" + m.opcode().name().toLowerCase()
                    + "); synchronization cannot be differentiated");
            case InvokeDynamicInstruction d -> throw reader.error(at, "uses invokedynamic (" + d.name().stringValue()
                    + ": string concatenation, a lambda or a switch on objects); only static calls are supported");
            case DiscontinuedInstruction d -> throw reader.error(at, "uses the discontinued instruction " + d.opcode());
            default -> throw reader.error(at, "uses the unsupported instruction " + ins.opcode());
        }
    }

    private Operand constant(ConstantInstruction c) {
        if (c.opcode() == Opcode.ACONST_NULL) {
            return new Const(Type.NULL, null);
        }
        Object v = c.constantValue();
        return switch (v) {
            case Integer i -> Const.ofInt(i);
            case Long l -> new Const(Type.LONG, l);
            case Float f -> new Const(Type.FLOAT, f);
            case Double d -> Const.ofDouble(d);
            case java.lang.constant.ClassDesc cls -> throw reader.error(at, "loads the class literal "
                    + cls.displayName() + ".class; classes and reflection cannot be differentiated");
            case String str -> throw reader.error(at, "loads the string \"" + str
                    + "\"; strings cannot be differentiated");
            default -> throw reader.error(at, "loads a constant of type " + v.getClass().getSimpleName()
                    + " (" + v + "); only numbers are supported");
        };
    }

    private void operator(Opcode op) {
        switch (op) {
            case IADD, LADD, FADD, DADD -> binary(Insn.BinaryOp.ADD);
            case ISUB, LSUB, FSUB, DSUB -> binary(Insn.BinaryOp.SUB);
            case IMUL, LMUL, FMUL, DMUL -> binary(Insn.BinaryOp.MUL);
            case IDIV, LDIV, FDIV, DDIV -> binary(Insn.BinaryOp.DIV);
            case IREM, LREM, FREM, DREM -> binary(Insn.BinaryOp.REM);
            case ISHL, LSHL -> binary(Insn.BinaryOp.SHL);
            case ISHR, LSHR -> binary(Insn.BinaryOp.SHR);
            case IUSHR, LUSHR -> binary(Insn.BinaryOp.USHR);
            case IAND, LAND -> binary(Insn.BinaryOp.AND);
            case IOR, LOR -> binary(Insn.BinaryOp.OR);
            case IXOR, LXOR -> binary(Insn.BinaryOp.XOR);
            case LCMP, FCMPL, DCMPL -> binary(Insn.BinaryOp.CMPL);
            case FCMPG, DCMPG -> binary(Insn.BinaryOp.CMPG);
            case INEG, LNEG, FNEG, DNEG -> {
                Operand a = pop();
                Var t = temp(a.type());
                out.add(new Insn.Unary(Insn.UnaryOp.NEG, t, a));
                push(t);
            }
            case ARRAYLENGTH -> {
                Operand a = pop();
                Var t = temp(Type.INT);
                out.add(new Insn.ArrayLength(t, a));
                push(t);
            }
            default -> throw reader.error(at, "uses the unsupported operator " + op);
        }
    }

    private void binary(Insn.BinaryOp op) {
        Operand b = pop();
        Operand a = pop();
        boolean compare = op == Insn.BinaryOp.CMPL || op == Insn.BinaryOp.CMPG;
        Var t = temp(compare ? Type.INT : a.type());
        out.add(new Insn.Binary(op, t, a, b));
        push(t);
    }

    private void convert(ConvertInstruction c) {
        Operand a = pop();
        Var t = temp(Type.of(c.toType()));
        switch (c.toType()) {
            case BYTE -> out.add(new Insn.Unary(Insn.UnaryOp.I2B, t, a));
            case CHAR -> out.add(new Insn.Unary(Insn.UnaryOp.I2C, t, a));
            case SHORT -> out.add(new Insn.Unary(Insn.UnaryOp.I2S, t, a));
            default -> out.add(new Insn.Convert(t, a));
        }
        push(t);
    }

    private void arrayLoad() {
        Operand index = pop();
        Operand array = pop();
        if (!array.type().isArray()) {
            throw reader.error(at, "reads an element of " + array + ", whose array type is not known here");
        }
        if (!isArrayOfPrimitives(array.type().desc())) {
            throw reader.error(at, "reads from an array of " + array.type().desc().componentType().displayName()
                    + "; only arrays of primitives and arrays of such arrays are supported");
        }
        Var t = temp(array.type().element());
        out.add(new Insn.ArrayLoad(t, array, index));
        push(t);
    }

    private void arrayStore() {
        Operand value = pop();
        Operand index = pop();
        Operand array = pop();
        if (!array.type().isArray() || !isArrayOfPrimitives(array.type().desc())) {
            throw reader.error(at, "writes into " + array.type()
                    + "; only arrays of primitives and arrays of such arrays are supported");
        }
        if (array instanceof Const c && c.isArray()) {
            throw reader.error(at, "writes into a static final array; such arrays are constants of the "
                    + "derivative and must not change");
        }
        if (value instanceof Const c && c.isArray()) {
            // Its rows could then be written through the array of arrays: a constant must not change.
            throw reader.error(at, "stores a static final array into an array of arrays; static final "
                    + "arrays are constants of the derivative and may only be read where they are named");
        }
        out.add(new Insn.ArrayStore(array, index, value));
    }

    /** True for {@code T[]}, {@code T[][]}, ... with {@code T} a primitive. */
    static boolean isArrayOfPrimitives(ClassDesc desc) {
        if (!desc.isArray()) {
            return false;
        }
        while (desc.isArray()) {
            desc = desc.componentType();
        }
        return desc.isPrimitive();
    }

    private void invoke(InvokeInstruction ins) {
        int n = ins.typeSymbol().parameterCount() + (ins.opcode() == Opcode.INVOKESTATIC ? 0 : 1);
        List<Operand> args = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            args.addFirst(pop());
        }
        try {
            Insn call = invokes.resolve(ins, args, this::temp);
            out.add(call);
            if (call.dst() != null) {
                push(call.dst());
            }
        } catch (InvokeResolver.Unsupported e) {
            throw reader.error(at, e.getMessage());
        }
    }

    private void stackOp(Opcode op) {
        switch (op) {
            case POP -> popWords(1);
            case POP2 -> popWords(2);
            case DUP -> dup(1, 0);
            case DUP_X1 -> dup(1, 1);
            case DUP_X2 -> dup(1, 2);
            case DUP2 -> dup(2, 0);
            case DUP2_X1 -> dup(2, 1);
            case DUP2_X2 -> dup(2, 2);
            case SWAP -> {
                Operand a = pop();
                Operand b = pop();
                push(a);
                push(b);
            }
            default -> throw reader.error(at, "uses the unsupported stack instruction " + op);
        }
    }

    /** The {@code dup} family: the top {@code words} are copied below the {@code under} words beneath them. */
    private void dup(int words, int under) {
        List<Operand> top = popWords(words);
        List<Operand> below = popWords(under);
        stack.addAll(top);
        stack.addAll(below);
        stack.addAll(top);
    }

    /** Pops operands that together take exactly {@code words} stack words (long and double take two). */
    private List<Operand> popWords(int words) {
        List<Operand> popped = new ArrayList<>();
        int taken = 0;
        while (taken < words) {
            Operand o = pop();
            popped.addFirst(o);
            taken += o.type().slots();
        }
        if (taken != words) {
            throw reader.error(at, "splits a long or double on the operand stack");
        }
        return popped;
    }

    // ---- the symbolic stack ----

    private void push(Operand o) {
        stack.add(o);
    }

    private Operand pop() {
        if (stack.isEmpty()) {
            throw reader.error(at, "pops an empty operand stack");
        }
        return stack.removeLast();
    }

    private Operand peek() {
        return stack.getLast();
    }

    private Var temp(Type t) {
        Var v = reader.function().newVar(t, "t" + at);
        temps.add(v);
        return v;
    }

    /**
     * Stores into a local. When the value is the temporary the previous instruction just wrote and
     * nothing else refers to it, that instruction writes the local instead.
     */
    private void store(int slot, Operand value) {
        Type t = value.type();
        if (t.equals(Type.NULL) && frame.locals.length > slot && frame.locals[slot] != null
                && frame.locals[slot].isRef()) {
            t = frame.locals[slot];
        }
        Var dst = reader.local(slot, t);
        List<Insn> body = out.insns();
        boolean retarget = value instanceof Var v && temps.contains(v) && !body.isEmpty() && body.getLast().dst() == v
                && !stack.contains(v) && v.type().equals(dst.type());
        materialize(dst, retarget ? body.size() - 1 : body.size());
        if (retarget) {
            body.set(body.size() - 1, Insns.withDst(body.getLast(), dst));
        } else {
            body.add(new Insn.Move(dst, value));
        }
        frame.set(slot, dst.type());
    }

    /** Copies {@code v} into a temporary wherever the stack still refers to it, before {@code v} is written. */
    private void materialize(Var v, int insertAt) {
        if (!stack.contains(v)) {
            return;
        }
        Var t = temp(v.type());
        out.insns().add(insertAt, new Insn.Move(t, v));
        stack.replaceAll(o -> o == v ? t : o);
    }

    /** For errors raised by helpers. */
    NotDifferentiableException error(String reason) {
        return reader.error(at, reason);
    }
}
