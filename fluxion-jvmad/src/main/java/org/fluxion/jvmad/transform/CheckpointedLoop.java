package org.fluxion.jvmad.transform;

import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.List;
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
 * Reverse mode of an outlined loop ({@link LoopOutliner}: {@code L: r = iteration(args); if (r == 0)
 * goto L}) under a memory budget, by binomial checkpointing ({@link org.fluxion.jvmad.runtime.Revolve}).
 * The augmented forward snapshots the arrays the iterations write, runs the iterations without
 * recording and counts them; it records only the arguments (loop-invariant), the schedule and the
 * count. The adjoint asks the schedule what to do: advance (the plain iteration again), or turn (the
 * iteration's augmented forward, then at once its adjoint, which moves the adjoints of the state
 * array's shadows one iteration back and gives those of the invariant reals).
 */
final class CheckpointedLoop {
    private static final ClassDesc REVOLVE = ClassDesc.of("org.fluxion.jvmad.runtime.Revolve");
    private static final Type REVOLVE_TYPE = Type.ref(REVOLVE);

    private final ReverseTransform rt;
    private final Insn.Call call;
    private final int snapshots;

    CheckpointedLoop(ReverseTransform rt, Insn.Call call, int snapshots) {
        this.rt = rt;
        this.call = call;
        this.snapshots = snapshots;
    }

    /**
     * Fills the forward from {@code entry}: snapshot, the plain iterations, the records. Returns the
     * block that must then jump to the loop's exit.
     */
    Block forward(Function fwd, Block entry, Set<Var> readOnly) {
        Function g = call.callee();
        Var rev = fwd.newVar(REVOLVE_TYPE, "revolve");
        entry.add(invoke("begin", REVOLVE_TYPE, rev, Const.ofInt(snapshots)));
        for (int i = 0; i < g.params().size(); i++) {
            Operand a = call.args().get(i);
            if (a instanceof Var && a.type().isArray() && !readOnly.contains(g.params().get(i))) {
                entry.add(new Insn.Invoke(REVOLVE, "track", MethodTypeDesc.of(ConstantDescs.CD_void, REVOLVE,
                        ConstantDescs.CD_Object), null, List.of(rev, rt.p(a))));
            }
        }
        entry.add(invoke("saveEntry", null, null, rev));
        Var n = fwd.newVar(Type.INT, "iterations");
        entry.add(new Insn.Move(n, Const.ofInt(0)));
        Block loop = fwd.newBlock();
        Block done = fwd.newBlock();
        entry.setTerminator(new Terminator.Goto(loop));
        Var r = rt.p(call.dst());
        loop.add(new Insn.Call(g, r, call.args().stream().map(rt::p).toList()));
        loop.add(new Insn.Binary(Insn.BinaryOp.ADD, n, n, Const.ofInt(1)));
        loop.setTerminator(new Terminator.If(Terminator.Cond.NE, r, Const.ofInt(0), done, loop));
        for (Operand a : call.args()) {
            if (a instanceof Var v) {
                done.add(new Insn.Push(rt.p(v)));
            }
        }
        done.add(new Insn.Push(rev));
        done.add(new Insn.Push(n));
        return done;
    }

    /** Fills the adjoint from {@code entry}: the schedule's loop. Returns its last block. */
    Block adjoint(Function adj, Block entry, Builder rb) {
        Function g = call.callee();
        ReverseTransform.Pair pair = rt.derivatives().reverse(g);
        Var n = adj.newVar(Type.INT, "iterations");
        Var rev = adj.newVar(REVOLVE_TYPE, "revolve");
        entry.add(new Insn.Pop(n));
        entry.add(new Insn.Pop(rev));
        List<Operand> args = new ArrayList<>();
        for (Operand a : call.args()) {
            args.add(a instanceof Var v ? adj.newVar(v.type(), "loop_" + v.name()) : a);
        }
        for (int i = args.size() - 1; i >= 0; i--) {
            if (args.get(i) instanceof Var v) {
                entry.add(new Insn.Pop(v));
            }
        }
        entry.add(invoke("plan", null, null, rev, n));
        Block next = adj.newBlock();
        Block notDone = adj.newBlock();
        Block advance = adj.newBlock();
        Block turn = adj.newBlock();
        Block done = adj.newBlock();
        entry.setTerminator(new Terminator.Goto(next));
        Var action = adj.newVar(Type.INT, "action");
        next.add(invoke("next", Type.INT, action, rev));
        next.setTerminator(new Terminator.If(Terminator.Cond.LT, action, Const.ofInt(0), done, notDone));
        notDone.setTerminator(new Terminator.If(Terminator.Cond.EQ, action, Const.ofInt(0), turn, advance));
        Var ignored = adj.newVar(Type.INT, "exit");
        advance.add(new Insn.Call(g, ignored, args));
        advance.add(new Insn.Binary(Insn.BinaryOp.SUB, action, action, Const.ofInt(1)));
        advance.setTerminator(new Terminator.If(Terminator.Cond.GT, action, Const.ofInt(0), advance, next));

        List<Operand> fargs = new ArrayList<>(args);
        List<Operand> shadows = new ArrayList<>();
        for (int i = 0; i < g.params().size(); i++) {
            if (g.params().get(i).type().isRealArray()) {
                shadows.add(rt.adjShadowOf(call.args().get(i)));
            }
        }
        fargs.addAll(shadows);
        fargs.add(adj.tape());
        turn.add(new Insn.Call(pair.forward(), ignored, fargs));
        turn.add(invoke("recorded", null, null, rev, adj.tape()));
        List<Operand> aargs = new ArrayList<>(shadows);
        aargs.add(adj.tape());
        turn.add(new Insn.Call(pair.adjoint(), null, aargs));
        rb.setBlock(turn);
        for (int i = g.params().size() - 1; i >= 0; i--) {
            if (g.params().get(i).type().isReal()) {
                Var a = rb.temp(g.params().get(i).type(), "arg_adjoint");
                rb.add(new Insn.Pop(a));
                rt.accumulate(call.args().get(i), a);
            }
        }
        turn.setTerminator(new Terminator.Goto(next));
        return done;
    }

    private static Insn invoke(String name, Type result, Var dst, Operand... args) {
        MethodTypeDesc desc = MethodTypeDesc.of(result == null ? ConstantDescs.CD_void : result.desc(),
                java.util.Arrays.stream(args).map(a -> a.type().desc()).toArray(ClassDesc[]::new));
        return new Insn.Invoke(REVOLVE, name, desc, dst, List.of(args));
    }
}
