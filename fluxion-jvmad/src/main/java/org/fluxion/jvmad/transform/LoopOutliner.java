package org.fluxion.jvmad.transform;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.fluxion.jvmad.ir.Block;
import org.fluxion.jvmad.ir.Const;
import org.fluxion.jvmad.ir.Function;
import org.fluxion.jvmad.ir.Insn;
import org.fluxion.jvmad.ir.Operand;
import org.fluxion.jvmad.ir.Terminator;
import org.fluxion.jvmad.ir.Type;
import org.fluxion.jvmad.ir.Var;

/**
 * Checkpointing's first step: an outermost counted loop (see {@link Loops}) of a function becomes a
 * call per iteration to a function of its own, so that reverse mode can run single iterations again
 * (see {@link CheckpointedLoop}). The loop's state between iterations must then live in arrays: the
 * scalars the body assigns and that are live at the header or after the loop travel in one array
 * per kind ({@code double[]}, {@code float[]}, {@code long[]}, {@code int[]}), so that real ones keep
 * their adjoints in the arrays' shadows; everything else the body reads is loop-invariant and passed
 * as an argument. The loop
 *
 * <pre>  H: if (cond) goto exit; body; goto H</pre>
 *
 * becomes {@code pack; L: r = iteration(state..., invariants...); if (r == 0) goto L; unpack; goto
 * exit r}, where {@code iteration} unpacks the state, runs from the header to the back edge (returning
 * 0) or out of the loop (returning the exit's number), and packs the state again.
 *
 * <p>A return inside the loop is one more exit. A loop that assigns an array variable living across
 * iterations, or never exits, stays as it is; {@link #outline} says why.
 */
final class LoopOutliner {
    /** The blocks of {@code f} that call an iteration function, one per loop outlined. */
    record Result(List<Block> calls, List<String> refused) {
    }

    private LoopOutliner() {
    }

    /** Outlines every eligible outermost counted loop of {@code f}, in place. */
    static Result outline(Function f) {
        List<Block> calls = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        Set<Block> seen = new HashSet<>();
        int index = 0;
        while (true) {
            Map<Block, Loops.Loop> loops = Loops.counted(f);
            Loops.Loop next = null;
            for (Loops.Loop l : loops.values()) {
                if (seen.contains(l.header()) || calls.contains(l.header())) {
                    continue;
                }
                boolean outermost = loops.values().stream()
                        .noneMatch(o -> o != l && !calls.contains(o.header()) && o.body().contains(l.header()));
                if (outermost) {
                    next = l;
                    break;
                }
            }
            if (next == null) {
                return new Result(calls, refused);
            }
            seen.add(next.header());
            String why = ineligible(f, next, new Liveness(f));
            if (why != null) {
                refused.add(why);
            } else {
                calls.add(outline(f, next, new Liveness(f), index++));
            }
        }
    }

    /** The variables the body assigns that live on at the header or after the loop. */
    private static List<Var> state(Function f, Loops.Loop loop, Liveness live) {
        Set<Var> defs = new HashSet<>();
        for (Block b : loop.body()) {
            for (Insn i : b.insns()) {
                if (i.dst() != null) {
                    defs.add(i.dst());
                }
            }
        }
        Set<Var> needed = new HashSet<>(live.in(loop.header()));
        for (Block b : loop.body()) {
            for (Block s : b.terminator().successors()) {
                if (!loop.body().contains(s)) {
                    needed.addAll(live.in(s));
                }
            }
        }
        List<Var> state = new ArrayList<>();
        for (Var v : defs) {
            if (needed.contains(v)) {
                state.add(v);
            }
        }
        state.sort(Comparator.comparingInt(Var::id));
        return state;
    }

    private static String ineligible(Function f, Loops.Loop loop, Liveness live) {
        boolean exits = false;
        for (Block b : loop.body()) {
            // (A return inside the loop is outside the natural loop's body: one more exit.)
            exits |= b.terminator().successors().stream().anyMatch(s -> !loop.body().contains(s));
        }
        if (!exits) {
            return "a loop of " + f.origin() + " never exits";
        }
        for (Var v : state(f, loop, live)) {
            if (v.type().isRef()) {
                return "a loop of " + f.origin() + " assigns the array variable " + v.name()
                        + " and uses it in a later iteration or after the loop (its state must be scalars"
                        + " and arrays written in place)";
            }
        }
        return null;
    }

    private static Block outline(Function f, Loops.Loop loop, Liveness live, int index) {
        Set<Block> body = loop.body();
        List<Var> state = state(f, loop, live);
        Set<Var> defs = new HashSet<>();
        Set<Var> used = new HashSet<>();
        for (Block b : body) {
            for (Insn i : b.insns()) {
                if (i.dst() != null) {
                    defs.add(i.dst());
                }
                i.operands().forEach(o -> {
                    if (o instanceof Var v) {
                        used.add(v);
                    }
                });
            }
            b.terminator().operands().forEach(o -> {
                if (o instanceof Var v) {
                    used.add(v);
                }
            });
        }
        List<Var> inputs = new ArrayList<>();
        for (Var v : used) {
            if (!defs.contains(v)) {
                inputs.add(v);
            }
        }
        inputs.sort(Comparator.comparingInt(Var::id));

        Function g = new Function(f.name() + "_loop" + index, "an iteration of a loop of " + f.origin(), Type.INT);
        Map<Type.Kind, List<Var>> byKind = new EnumMap<>(Type.Kind.class);
        for (Var v : state) {
            byKind.computeIfAbsent(v.type().kind(), k -> new ArrayList<>()).add(v);
        }
        Map<Type.Kind, Var> gArrays = new LinkedHashMap<>();
        byKind.keySet().forEach(k -> gArrays.put(k, g.addParam(arrayOf(k), "state_" + k.name().toLowerCase())));
        Map<Var, Var> map = new HashMap<>();
        for (Var v : inputs) {
            map.put(v, g.addParam(v.type(), v.name()));
        }
        UnaryOperator<Operand> operand = o -> o instanceof Var v
                ? map.computeIfAbsent(v, k -> g.newVar(k.type(), k.name())) : o;

        // The iteration: unpack, the body (back edge and exits lead to pack-and-return), pack.
        Block entry = g.newBlock();
        Map<Block, Block> copies = new HashMap<>();
        for (Block b : f.blocks()) {
            if (body.contains(b)) {
                copies.put(b, g.newBlock());
            }
        }
        Block pack = g.newBlock();
        Var code = g.newVar(Type.INT, "exit");
        byKind.forEach((k, vars) -> {
            for (int i = 0; i < vars.size(); i++) {
                entry.add(new Insn.ArrayLoad((Var) operand.apply(vars.get(i)), gArrays.get(k), Const.ofInt(i)));
                pack.add(new Insn.ArrayStore(gArrays.get(k), Const.ofInt(i), operand.apply(vars.get(i))));
            }
        });
        entry.setTerminator(new Terminator.Goto(copies.get(loop.header())));
        pack.setTerminator(new Terminator.Return(code));
        List<Block> exits = new ArrayList<>();
        Map<Block, Block> exitBlocks = new HashMap<>();
        UnaryOperator<Block> target = s -> {
            if (body.contains(s) && s != loop.header()) {
                return copies.get(s);
            }
            return exitBlocks.computeIfAbsent(s, t -> {
                Block e = g.newBlock();
                int number = 0;
                if (t != loop.header()) {
                    exits.add(t);
                    number = exits.size();
                }
                e.add(new Insn.Move(code, Const.ofInt(number)));
                e.setTerminator(new Terminator.Goto(pack));
                return e;
            });
        };
        for (Block b : f.blocks()) {
            if (body.contains(b)) {
                Block c = copies.get(b);
                b.insns().forEach(i -> c.add(remap(i, operand)));
                c.setTerminator(remap(b.terminator(), operand).retarget(target));
            }
        }

        // The caller: pack, the call loop, unpack, the exit.
        Map<Type.Kind, Var> fArrays = new LinkedHashMap<>();
        byKind.keySet().forEach(k -> fArrays.put(k, f.newVar(arrayOf(k), "state_" + k.name().toLowerCase())));
        Block packIn = f.newBlock();
        Block call = f.newBlock();
        Block unpack = f.newBlock();
        byKind.forEach((k, vars) -> {
            packIn.add(new Insn.NewArray(fArrays.get(k), Const.ofInt(vars.size())));
            for (int i = 0; i < vars.size(); i++) {
                packIn.add(new Insn.ArrayStore(fArrays.get(k), Const.ofInt(i), vars.get(i)));
                unpack.add(new Insn.ArrayLoad(vars.get(i), fArrays.get(k), Const.ofInt(i)));
            }
        });
        packIn.setTerminator(new Terminator.Goto(call));
        List<Operand> args = new ArrayList<>(fArrays.values());
        args.addAll(inputs);
        Var r = f.newVar(Type.INT, "exit");
        call.add(new Insn.Call(g, r, args));
        call.setTerminator(new Terminator.If(Terminator.Cond.EQ, r, Const.ofInt(0), call, unpack));
        if (exits.size() == 1) {
            unpack.setTerminator(new Terminator.Goto(exits.getFirst()));
        } else {
            int[] keys = new int[exits.size() - 1];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = i + 1;
            }
            unpack.setTerminator(new Terminator.Switch(r, keys, exits.subList(0, keys.length), exits.getLast()));
        }
        Block header = loop.header();
        for (Block b : f.blocks()) {
            if (!body.contains(b) && b.terminator() != null) {
                b.setTerminator(b.terminator().retarget(s -> s == header ? packIn : s));
            }
        }
        boolean wasEntry = f.entry() == header;
        f.blocks().removeIf(body::contains);
        if (wasEntry) {
            f.blocks().remove(packIn);
            f.blocks().addFirst(packIn);
        }
        return call;
    }

    private static Type arrayOf(Type.Kind k) {
        return switch (k) {
            case INT -> Type.ref(Type.INT.desc().arrayType());
            case LONG -> Type.ref(Type.LONG.desc().arrayType());
            case FLOAT -> Type.FLOAT_ARRAY;
            case DOUBLE -> Type.DOUBLE_ARRAY;
            case REF -> throw new IllegalStateException("references are not loop state");
        };
    }

    private static Terminator remap(Terminator t, UnaryOperator<Operand> m) {
        return switch (t) {
            case Terminator.Goto g -> g;
            case Terminator.If i -> new Terminator.If(i.cond(), m.apply(i.a()), m.apply(i.b()), i.then(), i.otherwise());
            case Terminator.Switch s -> new Terminator.Switch(m.apply(s.key()), s.keys(), s.targets(), s.otherwise());
            case Terminator.Return r -> new Terminator.Return(r.value() == null ? null : m.apply(r.value()));
        };
    }

    /** The instruction with every variable replaced by its image under {@code m}. */
    static Insn remap(Insn insn, UnaryOperator<Operand> m) {
        UnaryOperator<Var> v = x -> x == null ? null : (Var) m.apply(x);
        return switch (insn) {
            case Insn.Move i -> new Insn.Move(v.apply(i.dst()), m.apply(i.src()));
            case Insn.Unary i -> new Insn.Unary(i.op(), v.apply(i.dst()), m.apply(i.a()));
            case Insn.Convert i -> new Insn.Convert(v.apply(i.dst()), m.apply(i.a()));
            case Insn.Binary i -> new Insn.Binary(i.op(), v.apply(i.dst()), m.apply(i.a()), m.apply(i.b()));
            case Insn.MathCall i -> new Insn.MathCall(i.fn(), v.apply(i.dst()), i.args().stream().map(m).toList(),
                    i.strict());
            case Insn.ArrayLoad i -> new Insn.ArrayLoad(v.apply(i.dst()), m.apply(i.array()), m.apply(i.index()));
            case Insn.ArrayStore i -> new Insn.ArrayStore(m.apply(i.array()), m.apply(i.index()), m.apply(i.value()));
            case Insn.NewArray i -> new Insn.NewArray(v.apply(i.dst()), m.apply(i.length()),
                    i.inner().stream().map(m).toList());
            case Insn.ArrayLength i -> new Insn.ArrayLength(v.apply(i.dst()), m.apply(i.array()));
            case Insn.Call i -> new Insn.Call(i.callee(), v.apply(i.dst()), i.args().stream().map(m).toList());
            case Insn.Invoke i -> new Insn.Invoke(i.owner(), i.name(), i.desc(), v.apply(i.dst()),
                    i.args().stream().map(m).toList());
            case Insn.Push i -> new Insn.Push(m.apply(i.value()));
            case Insn.Pop i -> new Insn.Pop(v.apply(i.dst()));
        };
    }
}
