package org.fluxion.jvmad.transform;

import java.util.ArrayList;
import java.util.List;
import org.fluxion.jvmad.ir.Block;
import org.fluxion.jvmad.ir.Const;
import org.fluxion.jvmad.ir.Function;
import org.fluxion.jvmad.ir.Insn;
import org.fluxion.jvmad.ir.Operand;
import org.fluxion.jvmad.ir.Terminator;
import org.fluxion.jvmad.ir.Type;
import org.fluxion.jvmad.ir.Var;

/**
 * The functions that the public API calls: each runs a derivative of the user's function with
 * the calling convention of one kernel interface (arrays in, arrays out, the tape last). They are
 * IR like the rest, so the forward transform applies to them: the Hessian-vector product is the
 * tangent function of the gradient entry point.
 */
public final class EntryPoints {
    private final Derivatives derivatives;

    public EntryPoints(Derivatives derivatives) {
        this.derivatives = derivatives;
    }

    /**
     * For {@code double f(double[] x)} (or {@code double[][] x}): {@code (x, grad, tape) -> f(x)}, adding
     * the gradient into {@code grad} (zero it first; of x's shape, rows shared as x's are).
     */
    public Function gradient(Function f) {
        ReverseTransform.Pair pair = derivatives.reverse(f);
        Function g = new Function(f.name() + "_grad", "gradient of " + f.origin(), Type.DOUBLE);
        Var x = g.addParam(arrayParam(f), "x");
        Var grad = g.addParam(arrayParam(f), "grad");
        Var tape = g.addTapeParam();
        Block b = g.newBlock();
        Var y = g.newVar(Type.DOUBLE, "y");
        b.add(new Insn.Call(pair.forward(), y, List.of(x, grad, tape)));
        b.add(new Insn.Call(pair.adjoint(), null, List.of(grad, Const.ofDouble(1), tape)));
        b.setTerminator(new Terminator.Return(y));
        return g;
    }

    /** The type of {@code f}'s one parameter, a real array of any rank ({@code double[]}, {@code double[][]}). */
    private static Type arrayParam(Function f) {
        Type t = f.params().getFirst().type();
        if (f.params().size() != 1 || !t.isRealArray()) {
            throw new IllegalArgumentException(f.origin() + ": a gradient entry point needs one real array parameter");
        }
        return t;
    }

    /** The tangent function of {@code f} itself (its signature is already an entry point's). */
    public Function tangent(Function f) {
        return derivatives.tangent(f);
    }

    /** For {@code double f(double[] x)}: {@code (x, v, tape) -> } the directional derivative of f at x along v. */
    public Function directional(Function f) {
        Function t = derivatives.tangent(f);
        Function g = new Function(f.name() + "_dir", "directional derivative of " + f.origin(), Type.DOUBLE);
        Var x = g.addParam(arrayParam(f), "x");
        Var v = g.addParam(arrayParam(f), "v");
        Var tape = g.addTapeParam();
        Block b = g.newBlock();
        Var y = g.newVar(Type.DOUBLE, "y");
        Var dy = g.newVar(Type.DOUBLE, "dy");
        b.add(new Insn.Call(t, y, List.of(x, v, tape)));
        b.add(new Insn.Pop(dy));
        b.setTerminator(new Terminator.Return(dy));
        return g;
    }

    /**
     * For {@code double f(double[] x)}: {@code (x, v, grad, hv, tape) -> f(x)}, adding the gradient into
     * {@code grad} and the Hessian-vector product H v into {@code hv}: the tangent of the gradient
     * entry point along {@code (v, 0)}, forward over reverse.
     */
    public Function hessianVector(Function f) {
        Function grad = gradient(f);
        Function t = derivatives.tangent(grad);
        Function g = new Function(f.name() + "_hvp", "Hessian-vector product of " + f.origin(), Type.DOUBLE);
        Type xt = arrayParam(f);
        Var x = g.addParam(xt, "x");
        Var v = g.addParam(xt, "v");
        Var gr = g.addParam(xt, "grad");
        Var hv = g.addParam(xt, "hv");
        Var tape = g.addTapeParam();
        Block b = g.newBlock();
        Var y = g.newVar(Type.DOUBLE, "y");
        Var dy = g.newVar(Type.DOUBLE, "dy");
        // The tangent of grad(x, gr, tape) takes (x, gr, dx, dgr, tape) and pushes the tangent of f(x).
        b.add(new Insn.Call(t, y, List.of(x, gr, v, hv, tape)));
        b.add(new Insn.Pop(dy));
        b.setTerminator(new Terminator.Return(y));
        return g;
    }

    /**
     * For {@code void f(double[] x, double[] out)}: {@code (x, out, gx, gout, tape)}: runs f, then adds
     * the vector-Jacobian product of the cotangent in {@code gout} into {@code gx} ({@code gout} is
     * consumed: it holds adjoints while the reverse sweep runs).
     */
    public Function vectorVjp(Function f) {
        ReverseTransform.Pair pair = derivatives.reverse(f);
        Function g = new Function(f.name() + "_vjp", "vector-Jacobian product of " + f.origin(), null);
        Var x = g.addParam(Type.DOUBLE_ARRAY, "x");
        Var out = g.addParam(Type.DOUBLE_ARRAY, "out");
        Var gx = g.addParam(Type.DOUBLE_ARRAY, "gx");
        Var gout = g.addParam(Type.DOUBLE_ARRAY, "gout");
        Var tape = g.addTapeParam();
        Block b = g.newBlock();
        b.add(new Insn.Call(pair.forward(), null, List.of(x, out, gx, gout, tape)));
        b.add(new Insn.Call(pair.adjoint(), null, List.of(gx, gout, tape)));
        b.setTerminator(new Terminator.Return(null));
        return g;
    }

    /**
     * For {@code double f(double x)}: {@code (x, tape) -> } the {@code order}-th derivative of f at x,
     * by the forward transform applied {@code order} times (tangent of tangent ...).
     */
    public Function derivative(Function f, int order) {
        Function g = new Function(f.name() + "_d0", f.origin(), Type.DOUBLE);
        Var x = g.addParam(Type.DOUBLE, "x");
        Var tape = g.addTapeParam();
        Block b = g.newBlock();
        Var y = g.newVar(Type.DOUBLE, "y");
        b.add(new Insn.Call(f, y, List.of(x)));
        b.setTerminator(new Terminator.Return(y));
        for (int k = 1; k <= order; k++) {
            Function t = derivatives.tangent(g);
            Function next = new Function(f.name() + "_d" + k, "derivative " + k + " of " + f.origin(), Type.DOUBLE);
            Var nx = next.addParam(Type.DOUBLE, "x");
            Var ntape = next.addTapeParam();
            Block nb = next.newBlock();
            Var v = next.newVar(Type.DOUBLE, "v");
            Var dv = next.newVar(Type.DOUBLE, "dv");
            nb.add(new Insn.Call(t, v, List.of(nx, Const.ofDouble(1), ntape)));
            nb.add(new Insn.Pop(dv));
            nb.setTerminator(new Terminator.Return(dv));
            g = next;
        }
        return g;
    }

    /**
     * For a function of real scalars returning a real, {@code (args, grads, tape) -> f(args)}: the
     * partial derivatives into {@code grads}.
     */
    public Function partials(Function f) {
        ReverseTransform.Pair pair = derivatives.reverse(f);
        Function g = new Function(f.name() + "_partials", "partial derivatives of " + f.origin(), Type.DOUBLE);
        Var args = g.addParam(Type.DOUBLE_ARRAY, "args");
        Var grads = g.addParam(Type.DOUBLE_ARRAY, "grads");
        Var tape = g.addTapeParam();
        Block b = g.newBlock();
        List<Operand> fargs = new ArrayList<>();
        for (int i = 0; i < f.params().size(); i++) {
            Var a = g.newVar(Type.DOUBLE, "a" + i);
            b.add(new Insn.ArrayLoad(a, args, Const.ofInt(i)));
            fargs.add(a);
        }
        fargs.add(tape);
        Var y = g.newVar(Type.DOUBLE, "y");
        b.add(new Insn.Call(pair.forward(), y, fargs));
        b.add(new Insn.Call(pair.adjoint(), null, List.of(Const.ofDouble(1), tape)));
        for (int i = f.params().size() - 1; i >= 0; i--) {
            Var d = g.newVar(Type.DOUBLE, "d" + i);
            b.add(new Insn.Pop(d));
            b.add(new Insn.ArrayStore(grads, Const.ofInt(i), d));
        }
        b.setTerminator(new Terminator.Return(y));
        return g;
    }
}
