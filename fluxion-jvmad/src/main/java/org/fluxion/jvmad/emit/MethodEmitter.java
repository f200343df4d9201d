package org.fluxion.jvmad.emit;

import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.Opcode;
import java.lang.classfile.TypeKind;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DynamicConstantDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
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
 * Writes one IR function as the bytecode of a static method: each variable gets a local slot (the
 * parameters first, in order), every other variable starts at zero or null, blocks are laid out in
 * order with jumps only where control does not fall through.
 */
final class MethodEmitter {
    private static final ClassDesc TAPE = Function.TAPE;

    /**
     * The tape's three stacks. While a method runs, each stack it uses lives in two locals (the array
     * and the top), so that a push is an array store and an increment that the JIT keeps in registers.
     * A full stack grows through the tape, which keeps the new array in its field, so only the tops are
     * written back, before a call that takes the tape and before returning; both are read again after
     * the call.
     */
    private enum Stack {
        REAL("reals", "realTop", "growReals", ConstantDescs.CD_double.arrayType(), TypeKind.DOUBLE),
        INT("ints", "intTop", "growInts", ConstantDescs.CD_int.arrayType(), TypeKind.INT),
        REF("refs", "refTop", "growRefs", ConstantDescs.CD_Object.arrayType(), TypeKind.REFERENCE);

        final String array;
        final String top;
        final String grow;
        final ClassDesc arrayType;
        final TypeKind element;

        Stack(String array, String top, String grow, ClassDesc arrayType, TypeKind element) {
            this.array = array;
            this.top = top;
            this.grow = grow;
            this.arrayType = arrayType;
            this.element = element;
        }

        static Stack of(Type t) {
            return switch (t.kind()) {
                case DOUBLE, FLOAT -> REAL;
                case INT, LONG -> INT;
                case REF -> REF;
            };
        }
    }

    private final Function fn;
    private final ClassAssembler owner;
    private final Map<Stack, Integer> stackSlots = new java.util.EnumMap<>(Stack.class);
    private final Map<Var, Integer> slots = new HashMap<>();
    private final Map<Block, Label> labels = new HashMap<>();
    private CodeBuilder cb;

    MethodEmitter(Function fn, ClassAssembler owner) {
        this.fn = fn;
        this.owner = owner;
    }

    void emit(CodeBuilder cb) {
        this.cb = cb;
        int slot = 0;
        for (Var p : fn.params()) {
            slots.put(p, slot);
            slot += p.type().slots();
        }
        Set<Var> locals = new LinkedHashSet<>();
        for (Block b : fn.blocks()) {
            for (Insn i : b.insns()) {
                collect(i.dst(), locals);
                i.operands().forEach(o -> collect(o, locals));
            }
            b.terminator().operands().forEach(o -> collect(o, locals));
        }
        List<Var> sorted = new ArrayList<>(locals);
        sorted.sort(Comparator.comparingInt(Var::id));
        for (Var v : sorted) {
            if (!slots.containsKey(v)) {
                slots.put(v, slot);
                slot += v.type().slots();
                zero(v);
            }
        }
        for (Block b : fn.blocks()) {
            for (Insn i : b.insns()) {
                Type t = switch (i) {
                    case Insn.Push p -> p.value().type();
                    case Insn.Pop p -> p.dst().type();
                    default -> null;
                };
                if (t != null && !stackSlots.containsKey(Stack.of(t))) {
                    stackSlots.put(Stack.of(t), slot);
                    slot += 2;
                }
            }
        }
        reloadStacks();
        for (Block b : fn.blocks()) {
            labels.put(b, cb.newLabel());
        }
        List<Block> blocks = fn.blocks();
        for (int k = 0; k < blocks.size(); k++) {
            Block b = blocks.get(k);
            cb.labelBinding(labels.get(b));
            for (Insn i : b.insns()) {
                insn(i);
            }
            terminator(b.terminator(), k + 1 < blocks.size() ? blocks.get(k + 1) : null);
        }
    }

    private static void collect(Object o, Set<Var> into) {
        if (o instanceof Var v) {
            into.add(v);
        }
    }

    private void zero(Var v) {
        switch (v.type().kind()) {
            case INT -> cb.iconst_0();
            case LONG -> cb.lconst_0();
            case FLOAT -> cb.fconst_0();
            case DOUBLE -> cb.dconst_0();
            case REF -> cb.aconst_null();
        }
        store(v);
    }

    private void load(Operand o) {
        switch (o) {
            case Var v -> cb.loadLocal(v.type().typeKind(), slot(v));
            case Const c -> {
                if (c.value() == null) {
                    cb.aconst_null();
                } else if (c.isArray() || c.type().isRef()) {
                    // Arrays of static final fields, and the runtime's own objects (what a throw raises)
                    int index = owner.classData(c.value());
                    cb.ldc(DynamicConstantDesc.ofNamed(ConstantDescs.BSM_CLASS_DATA_AT, ConstantDescs.DEFAULT_NAME,
                            c.type().desc(), index));
                } else {
                    switch (c.type().kind()) {
                        case INT -> cb.loadConstant(((Number) c.value()).intValue());
                        case LONG -> cb.loadConstant(((Number) c.value()).longValue());
                        case FLOAT -> cb.loadConstant(((Number) c.value()).floatValue());
                        case DOUBLE -> cb.loadConstant(((Number) c.value()).doubleValue());
                        case REF -> throw new IllegalStateException("reference constant " + c);
                    }
                }
            }
        }
    }

    private int slot(Var v) {
        Integer s = slots.get(v);
        if (s == null) {
            throw new IllegalStateException(fn.name() + ": variable " + v + " has no slot");
        }
        return s;
    }

    private void store(Var v) {
        cb.storeLocal(v.type().typeKind(), slot(v));
    }

    private void insn(Insn insn) {
        switch (insn) {
            case Insn.Move m -> {
                load(m.src());
                store(m.dst());
            }
            case Insn.Unary u -> {
                load(u.a());
                switch (u.op()) {
                    case NEG -> cb.with(java.lang.classfile.instruction.OperatorInstruction.of(
                            neg(u.dst().type())));
                    case I2B -> cb.i2b();
                    case I2C -> cb.i2c();
                    case I2S -> cb.i2s();
                }
                store(u.dst());
            }
            case Insn.Convert c -> {
                load(c.a());
                TypeKind from = c.a().type().typeKind();
                TypeKind to = c.dst().type().typeKind();
                if (from != to) {
                    cb.conversion(from, to);
                }
                store(c.dst());
            }
            case Insn.Binary b -> {
                load(b.a());
                load(b.b());
                cb.with(java.lang.classfile.instruction.OperatorInstruction.of(Opcodes.binary(b.op(), b.a().type())));
                store(b.dst());
            }
            case Insn.MathCall m -> {
                m.args().forEach(this::load);
                cb.invokestatic(m.fn().owner(m.strict()), m.fn().method(), m.fn().descriptor());
                store(m.dst());
            }
            case Insn.ArrayLoad l -> {
                load(l.array());
                load(l.index());
                cb.arrayLoad(l.array().type().elementKind());
                store(l.dst());
            }
            case Insn.ArrayStore s -> {
                load(s.array());
                load(s.index());
                load(s.value());
                cb.arrayStore(s.array().type().elementKind());
            }
            case Insn.NewArray n -> {
                load(n.length());
                n.inner().forEach(this::load);
                java.lang.constant.ClassDesc type = n.dst().type().desc();
                if (!n.inner().isEmpty()) {
                    cb.multianewarray(type, 1 + n.inner().size());
                } else if (type.componentType().isArray()) {
                    cb.anewarray(type.componentType());
                } else {
                    cb.newarray(n.dst().type().elementKind());
                }
                store(n.dst());
            }
            case Insn.ArrayLength l -> {
                load(l.array());
                cb.arraylength();
                store(l.dst());
            }
            case Insn.Call c -> {
                boolean tape = c.callee().tape() != null;
                if (tape) {
                    flushStacks();
                }
                c.args().forEach(this::load);
                cb.invokestatic(owner.thisClass(), owner.methodName(c.callee()), c.callee().descriptor());
                if (c.dst() != null) {
                    store(c.dst());
                }
                if (tape) {
                    reloadStacks();
                }
            }
            case Insn.Invoke i -> {
                // A runtime method that reads the tape (checkpointing's accounting) sees it up to date.
                boolean tape = i.args().stream().anyMatch(a -> a.type().desc().equals(TAPE));
                if (tape) {
                    flushStacks();
                }
                i.args().forEach(this::load);
                cb.invokestatic(i.owner(), i.name(), i.desc());
                if (i.dst() != null) {
                    store(i.dst());
                } else if (!i.desc().returnType().equals(ConstantDescs.CD_void)) {
                    cb.with(java.lang.classfile.instruction.StackInstruction.of(
                            Type.of(i.desc().returnType()).slots() == 2 ? Opcode.POP2 : Opcode.POP));
                }
                if (tape) {
                    reloadStacks();
                }
            }
            case Insn.Push p -> push(p.value());
            case Insn.Pop p -> pop(p.dst());
        }
    }

    private static Opcode neg(Type t) {
        return switch (t.kind()) {
            case INT -> Opcode.INEG;
            case LONG -> Opcode.LNEG;
            case FLOAT -> Opcode.FNEG;
            case DOUBLE -> Opcode.DNEG;
            case REF -> throw new IllegalStateException("negation of a reference");
        };
    }

    private void reloadStacks() {
        stackSlots.forEach((stack, slot) -> {
            load(fn.tape());
            cb.getfield(TAPE, stack.array, stack.arrayType);
            cb.astore(slot);
            load(fn.tape());
            cb.getfield(TAPE, stack.top, ConstantDescs.CD_int);
            cb.istore(slot + 1);
        });
    }

    private void flushStacks() {
        stackSlots.forEach((stack, slot) -> {
            load(fn.tape());
            cb.iload(slot + 1);
            cb.putfield(TAPE, stack.top, ConstantDescs.CD_int);
        });
    }

    /** {@code if (top == array.length) array = tape.grow(); array[top++] = v}; a long goes as two ints. */
    private void push(Operand v) {
        if (v.type().kind() == Type.Kind.LONG) {
            // low half, then high half: exact, whatever the bits
            pushInt(() -> {
                load(v);
                cb.l2i();
            });
            pushInt(() -> {
                load(v);
                cb.loadConstant(32);
                cb.lushr();
                cb.l2i();
            });
            return;
        }
        Stack stack = Stack.of(v.type());
        int slot = stackSlots.get(stack);
        Label room = cb.newLabel();
        cb.iload(slot + 1);
        cb.aload(slot);
        cb.arraylength();
        cb.if_icmplt(room);
        load(fn.tape());
        cb.invokevirtual(TAPE, stack.grow, MethodTypeDesc.of(stack.arrayType));
        cb.astore(slot);
        cb.labelBinding(room);
        cb.aload(slot);
        cb.iload(slot + 1);
        load(v);
        if (v.type().kind() == Type.Kind.FLOAT) {
            cb.f2d();
        }
        cb.arrayStore(stack.element);
        cb.iinc(slot + 1, 1);
    }

    private void pushInt(Runnable value) {
        int slot = stackSlots.get(Stack.INT);
        Label room = cb.newLabel();
        cb.iload(slot + 1);
        cb.aload(slot);
        cb.arraylength();
        cb.if_icmplt(room);
        load(fn.tape());
        cb.invokevirtual(TAPE, Stack.INT.grow, MethodTypeDesc.of(Stack.INT.arrayType));
        cb.astore(slot);
        cb.labelBinding(room);
        cb.aload(slot);
        cb.iload(slot + 1);
        value.run();
        cb.iastore();
        cb.iinc(slot + 1, 1);
    }

    /** Pops an int of the int stack onto the operand stack. */
    private void popInt() {
        int slot = stackSlots.get(Stack.INT);
        cb.iinc(slot + 1, -1);
        cb.aload(slot);
        cb.iload(slot + 1);
        cb.iaload();
    }

    /** {@code dst = array[--top]} (a reference slot is cleared, so that the tape keeps nothing alive). */
    private void pop(Var dst) {
        if (dst.type().kind() == Type.Kind.LONG) {
            // high half, then low half: (high << 32) | (low & 0xffffffff)
            popInt();
            cb.i2l();
            cb.loadConstant(32);
            cb.lshl();
            popInt();
            cb.i2l();
            cb.loadConstant(0xffffffffL);
            cb.land();
            cb.lor();
            store(dst);
            return;
        }
        Stack stack = Stack.of(dst.type());
        int slot = stackSlots.get(stack);
        cb.iinc(slot + 1, -1);
        cb.aload(slot);
        cb.iload(slot + 1);
        cb.arrayLoad(stack.element);
        switch (dst.type().kind()) {
            case FLOAT -> cb.d2f();
            case REF -> {
                if (!dst.type().desc().equals(ConstantDescs.CD_Object)) {
                    cb.checkcast(dst.type().desc());
                }
                cb.aload(slot);
                cb.iload(slot + 1);
                cb.aconst_null();
                cb.aastore();
            }
            default -> {
            }
        }
        store(dst);
    }

    private void terminator(Terminator t, Block next) {
        switch (t) {
            case Terminator.Goto g -> jump(g.target(), next);
            case Terminator.If i -> {
                Label then = labels.get(i.then());
                if (i.a().type().isRef()) {
                    load(i.a());
                    if (i.b() instanceof Const c && c.value() == null) {
                        cb.branch(i.cond() == Terminator.Cond.EQ ? Opcode.IFNULL : Opcode.IFNONNULL, then);
                    } else {
                        load(i.b());
                        cb.branch(i.cond() == Terminator.Cond.EQ ? Opcode.IF_ACMPEQ : Opcode.IF_ACMPNE, then);
                    }
                } else if (i.b() instanceof Const c && c.isNumber(0)) {
                    load(i.a());
                    cb.branch(Opcode.valueOf("IF" + i.cond().name()), then);
                } else {
                    load(i.a());
                    load(i.b());
                    cb.branch(Opcode.valueOf("IF_ICMP" + i.cond().name()), then);
                }
                jump(i.otherwise(), next);
            }
            case Terminator.Switch s -> {
                load(s.key());
                List<SwitchCase> cases = new ArrayList<>();
                for (int k = 0; k < s.keys().length; k++) {
                    cases.add(SwitchCase.of(s.keys()[k], labels.get(s.targets().get(k))));
                }
                cases.sort(Comparator.comparingInt(SwitchCase::caseValue));
                cb.lookupswitch(labels.get(s.otherwise()), cases);
            }
            case Terminator.Return r -> {
                flushStacks();
                if (r.value() == null) {
                    cb.return_();
                } else {
                    load(r.value());
                    cb.return_(fn.returnType().typeKind());
                }
            }
        }
    }

    private void jump(Block target, Block next) {
        if (target != next) {
            cb.goto_(labels.get(target));
        }
    }
}
