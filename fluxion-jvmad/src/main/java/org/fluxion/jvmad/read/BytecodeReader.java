package org.fluxion.jvmad.read;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.ExceptionCatch;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LineNumber;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.classfile.instruction.ThrowInstruction;
import java.lang.constant.ClassDesc;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.fluxion.jvmad.ir.Block;
import org.fluxion.jvmad.ir.Function;
import org.fluxion.jvmad.ir.NotDifferentiableException;
import org.fluxion.jvmad.ir.Type;
import org.fluxion.jvmad.ir.Var;

/**
 * Reads one static method's bytecode into an IR {@link Function}: splits the code into basic blocks,
 * finds the type of every local and stack slot at each block's entry (a fixed point, as the verifier
 * does), then translates each block with a symbolic operand stack ({@link BlockTranslator}).
 * Anything the transforms cannot differentiate fails here, naming the method, line and offset.
 */
final class BytecodeReader {
    private final Program program;
    private final MethodRef ref;
    private final MethodModel method;
    private final Function fn;

    private final List<Instruction> insns = new ArrayList<>();
    private final List<Integer> bcis = new ArrayList<>();
    private final List<Integer> lines = new ArrayList<>();
    private final Map<Label, Integer> labelAt = new HashMap<>();
    /** Start instruction index of each block, in order. */
    private final List<Integer> starts = new ArrayList<>();
    private final Map<String, Var> vars = new HashMap<>();
    /** Non-null reference types each local slot holds somewhere: a {@code null} stored there takes that type. */
    private final Map<Integer, Set<ClassDesc>> refTypes = new HashMap<>();

    BytecodeReader(Program program, MethodRef ref, MethodModel method, Function fn) {
        this.program = program;
        this.ref = ref;
        this.method = method;
        this.fn = fn;
    }

    void read() {
        int flags = method.flags().flagsMask();
        if ((flags & ClassFile.ACC_STATIC) == 0) {
            throw error(-1, "is an instance method; only static methods can be differentiated");
        }
        if ((flags & ClassFile.ACC_NATIVE) != 0) {
            throw error(-1, "is native: there is no bytecode to differentiate");
        }
        if ((flags & ClassFile.ACC_SYNCHRONIZED) != 0) {
            throw error(-1, "is synchronized; synchronization cannot be differentiated");
        }
        CodeModel code = method.code().orElseThrow(() -> error(-1, "has no code (abstract)"));
        linearize(code);
        for (int i = 0; i < insns.size(); i++) {
            // A synchronized block has handlers too; name the synchronization, the cause.
            if (insns.get(i) instanceof java.lang.classfile.instruction.MonitorInstruction) {
                throw error(i, "synchronizes (a synchronized block); synchronization cannot be differentiated");
            }
        }
        for (ExceptionCatch c : code.exceptionHandlers()) {
            throw error(labelAt.get(c.tryStart()), "has an exception handler (try/catch/finally), which cannot "
                    + "be differentiated");
        }
        findBlocks();
        Frame[] entries = typeFixedPoint(maxLocals(code));
        List<Block> blocks = new ArrayList<>();
        for (int b = 0; b < starts.size(); b++) {
            blocks.add(entries[b] == null ? null : fn.newBlock());
        }
        for (int b = 0; b < starts.size(); b++) {
            if (entries[b] != null) {
                translate(b, entries, blocks, blocks.get(b));
            }
        }
    }

    /** Local slots the code uses: from the Code attribute, else from the parameters and the loads and stores. */
    private int maxLocals(CodeModel code) {
        if (code instanceof java.lang.classfile.attribute.CodeAttribute a) {
            return a.maxLocals();
        }
        int max = fn.params().stream().mapToInt(p -> p.type().slots()).sum();
        for (Instruction i : insns) {
            if (i instanceof java.lang.classfile.instruction.LoadInstruction l) {
                max = Math.max(max, l.slot() + l.typeKind().slotSize());
            } else if (i instanceof java.lang.classfile.instruction.StoreInstruction s) {
                max = Math.max(max, s.slot() + s.typeKind().slotSize());
            } else if (i instanceof java.lang.classfile.instruction.IncrementInstruction n) {
                max = Math.max(max, n.slot() + 1);
            }
        }
        return max;
    }

    private void linearize(CodeModel code) {
        int bci = 0;
        int line = -1;
        for (CodeElement e : code) {
            switch (e) {
                case LabelTarget t -> labelAt.put(t.label(), insns.size());
                case LineNumber n -> line = n.line();
                case Instruction i -> {
                    insns.add(i);
                    bcis.add(bci);
                    lines.add(line);
                    bci += i.sizeInBytes();
                }
                default -> {
                }
            }
        }
    }

    private void findBlocks() {
        TreeSet<Integer> leaders = new TreeSet<>();
        leaders.add(0);
        for (int i = 0; i < insns.size(); i++) {
            Instruction ins = insns.get(i);
            List<Label> targets = targets(ins);
            for (Label l : targets) {
                leaders.add(labelAt.get(l));
            }
            if (!targets.isEmpty() || ins instanceof ReturnInstruction || ins instanceof ThrowInstruction) {
                if (i + 1 < insns.size()) {
                    leaders.add(i + 1);
                }
            }
        }
        starts.addAll(leaders);
    }

    static List<Label> targets(Instruction ins) {
        return switch (ins) {
            case BranchInstruction b -> List.of(b.target());
            case TableSwitchInstruction t -> switchTargets(t.defaultTarget(), t.cases());
            case LookupSwitchInstruction l -> switchTargets(l.defaultTarget(), l.cases());
            default -> List.of();
        };
    }

    private static List<Label> switchTargets(Label dflt, List<SwitchCase> cases) {
        List<Label> all = new ArrayList<>();
        all.add(dflt);
        cases.forEach(c -> all.add(c.target()));
        return all;
    }

    private int end(int block) {
        return block + 1 < starts.size() ? starts.get(block + 1) : insns.size();
    }

    int blockAt(Label label) {
        int index = starts.indexOf(labelAt.get(label));
        if (index < 0) {
            throw new IllegalStateException("label not at a block start");
        }
        return index;
    }

    /** The block that control falls into after {@code block}, or -1 past the end of the code. */
    int fallThrough(int block) {
        return block + 1 < starts.size() ? block + 1 : -1;
    }

    /** Entry frames of the reachable blocks (null for unreachable ones). */
    private Frame[] typeFixedPoint(int maxLocals) {
        Frame[] entries = new Frame[starts.size()];
        Type[] locals = new Type[Math.max(maxLocals, 1)];
        int slot = 0;
        for (Var p : fn.params()) {
            locals[slot] = p.type();
            vars.put(key("l", slot, p.type()), p);
            slot += p.type().slots();
        }
        entries[0] = new Frame(locals, new ArrayList<>());
        Deque<Integer> work = new ArrayDeque<>();
        BitSet queued = new BitSet();
        work.add(0);
        queued.set(0);
        while (!work.isEmpty()) {
            int b = work.poll();
            queued.clear(b);
            BlockTranslator.Exit exit = translate(b, entries, null, null);
            for (int s : exit.successors()) {
                boolean changed;
                if (entries[s] == null) {
                    entries[s] = exit.frame().copy();
                    changed = true;
                } else {
                    try {
                        changed = entries[s].mergeFrom(exit.frame());
                    } catch (IllegalStateException e) {
                        throw error(starts.get(s), e.getMessage());
                    }
                }
                if (changed && !queued.get(s)) {
                    work.add(s);
                    queued.set(s);
                }
            }
        }
        for (Frame f : entries) {
            if (f != null) {
                for (int i = 0; i < f.locals.length; i++) {
                    noteRefType(i, f.locals[i]);
                }
            }
        }
        return entries;
    }

    /**
     * Translates block {@code b} from its entry frame; with {@code out == null} only its types and
     * successors are wanted (the fixed point), and what it emits is thrown away.
     */
    private BlockTranslator.Exit translate(int b, Frame[] entries, List<Block> blocks, Block out) {
        BlockTranslator t = new BlockTranslator(this, entries[b].copy(), out != null ? out : new ScratchBlock().block,
                entries, blocks);
        return t.run(b, starts.get(b), end(b));
    }

    /** A block of a throw-away function, for the fixed point's translations. */
    private static final class ScratchBlock {
        final Block block = new Function("scratch", "scratch", null).newBlock();
    }

    // ---- what the block translator asks of the method as a whole ----

    Program program() {
        return program;
    }

    MethodRef ref() {
        return ref;
    }

    Function function() {
        return fn;
    }

    Instruction insn(int i) {
        return insns.get(i);
    }

    /** The variable of local slot {@code slot} holding type {@code t} (one per slot and type). */
    Var local(int slot, Type t) {
        if (t.equals(Type.NULL)) {
            t = refTypeOf(slot);
        }
        noteRefType(slot, t);
        Type type = t;
        return vars.computeIfAbsent(key("l", slot, t), k -> fn.newVar(type, "l" + slot));
    }

    /** The variable of operand-stack slot {@code depth} holding type {@code t} across block boundaries. */
    Var stackSlot(int depth, Type t) {
        return vars.computeIfAbsent(key("s", depth, t), k -> fn.newVar(t, "s" + depth));
    }

    private static String key(String prefix, int index, Type t) {
        return prefix + index + ":" + t.kind() + ":" + t.desc().descriptorString();
    }

    private void noteRefType(int slot, Type t) {
        if (t != null && t.isRef() && !t.equals(Type.NULL)) {
            refTypes.computeIfAbsent(slot, k -> new HashSet<>()).add(t.desc());
        }
    }

    /** The one array type that {@code slot} holds, for a {@code null} stored into it. */
    private Type refTypeOf(int slot) {
        Set<ClassDesc> types = refTypes.getOrDefault(slot, Set.of());
        return types.size() == 1 ? Type.ref(types.iterator().next()) : Type.NULL;
    }

    /** An error at instruction {@code i} (-1: the method as a whole). */
    NotDifferentiableException error(int i, String reason) {
        if (i < 0) {
            return new NotDifferentiableException(ref.origin(), -1, -1, reason);
        }
        return new NotDifferentiableException(ref.origin(), lines.get(i), bcis.get(i), reason);
    }
}
