package org.fluxion.autodiff;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.fluxion.transforms.Remat;
import org.fluxion.transforms.Control;
import org.fluxion.jit.Jit;
import org.fluxion.ops.ArgReduce;
import org.fluxion.ops.CumSum;
import org.fluxion.ops.Binary;
import org.fluxion.ops.BinaryOp;
import org.fluxion.ops.Cast;
import org.fluxion.ops.Concat;
import org.fluxion.ops.Conv2dOptions;
import org.fluxion.ops.ConvolutionPrimitives.AvgPool2d;
import org.fluxion.ops.ConvolutionPrimitives.AvgPool2dGrad;
import org.fluxion.ops.ConvolutionPrimitives.Conv2d;
import org.fluxion.ops.ConvolutionPrimitives.Conv2dInputGrad;
import org.fluxion.ops.ConvolutionPrimitives.Conv2dWeightGrad;
import org.fluxion.ops.ConvolutionPrimitives.MaxPool2d;
import org.fluxion.ops.ConvolutionPrimitives.MaxPool2dGrad;
import org.fluxion.ops.ConvolutionPrimitives.MaxPool2dSelect;
import org.fluxion.ops.Gather;
import org.fluxion.ops.MatMul;
import org.fluxion.ops.MatMulAdd;
import org.fluxion.ops.Ops;
import org.fluxion.ops.Pad;
import org.fluxion.ops.Pool2dOptions;
import org.fluxion.ops.Reduce;
import org.fluxion.ops.ReduceOp;
import org.fluxion.ops.SampledDot;
import org.fluxion.ops.ScatterAdd;
import org.fluxion.ops.SparseMatMul;
import org.fluxion.ops.Split;
import org.fluxion.ops.RandomUniform;
import org.fluxion.ops.StopGradient;
import org.fluxion.ops.TopK;
import org.fluxion.ops.Unary;
import org.fluxion.ops.UnaryOp;
import org.fluxion.ops.ViewPrimitives.Copy;
import org.fluxion.ops.ViewPrimitives.Expand;
import org.fluxion.ops.ViewPrimitives.Permute;
import org.fluxion.ops.ViewPrimitives.Reshape;
import org.fluxion.ops.ViewPrimitives.Slice;
import org.fluxion.ops.Where;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;

/**
 * One declarative row per primitive (per constant of the elementwise enums and of {@link ReduceOp}): the
 * function binding it (non-differentiable inputs such as indices and conditions fixed inside), a
 * generator of its differentiable float64 inputs within the domain where it is smooth, the tolerance
 * and the order checked. Rows with {@code differentiable = false} check that no derivative flows.
 *
 * <p>A new primitive = one row here; {@link PrimitiveRulesTest#everyPrimitiveHasASpec} fails until it
 * has one.
 */
final class PrimitiveSpecs {
    private PrimitiveSpecs() {
    }

    record Spec(String key, Function<Tensor[], Tensor> f, Function<Random, Tensor[]> inputs, double tol, int order,
                boolean differentiable, boolean forward) {
        Spec(String key, Function<Tensor[], Tensor> f, Function<Random, Tensor[]> inputs, double tol, int order,
             boolean differentiable) {
            this(key, f, inputs, tol, order, differentiable, true);
        }

        @Override
        public String toString() {
            return key;
        }
    }

    // ---------------------------------------------------------------- input domains

    static Tensor normal(Random r, int... dims) {
        return GradCheck.randnLike(Tensor.zeros(DType.FLOAT64, dims), r);
    }

    /** Uniform in [lo, hi). */
    static Tensor uniform(Random r, double lo, double hi, int... dims) {
        double[] d = new double[Shape.of(dims).size()];
        for (int k = 0; k < d.length; k++) {
            d[k] = lo + (hi - lo) * r.nextDouble();
        }
        return Tensor.of(d, dims);
    }

    /** Normal values pushed at least 0.2 away from 0 (for kinks at 0). */
    static Tensor awayFromZero(Random r, int... dims) {
        Tensor x = normal(r, dims);
        return x.add(x.sign().mul(0.2));
    }

    /** A permutation of 0.1 * (1..n): distinct values, so max/min have no ties. */
    static Tensor distinct(Random r, int... dims) {
        int n = Shape.of(dims).size();
        List<Double> v = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            v.add(0.1 * (k + 1) - 0.05 * n);
        }
        java.util.Collections.shuffle(v, r);
        return Tensor.of(v.stream().mapToDouble(Double::doubleValue).toArray(), dims);
    }

    private static Tensor[] of(Tensor... t) {
        return t;
    }

    // ---------------------------------------------------------------- the table

    static List<Spec> all() {
        List<Spec> s = new ArrayList<>();
        for (UnaryOp op : UnaryOp.values()) {
            s.add(unary(op));
        }
        for (BinaryOp op : BinaryOp.values()) {
            s.add(binary(op));
        }
        Tensor cond = Tensor.of(new boolean[] {true, false, false, true, true, false, true, false, false, true, true, true}, 3, 4);
        s.add(new Spec("Where", x -> Ops.bind(new Where(), cond, x[0], x[1]), r -> of(normal(r, 3, 4), normal(r, 4)), 1e-6, 2, true));
        s.add(new Spec("Cast", x -> Ops.bind(new Cast(DType.FLOAT64), x[0]).mul(x[0]), r -> of(normal(r, 3)), 1e-6, 2, true));
        s.add(new Spec("Reshape", x -> Ops.bind(new Reshape(Shape.of(2, 6)), x[0]).mul(x[0].reshape(2, 6)),
                r -> of(normal(r, 3, 4)), 1e-6, 2, true));
        s.add(new Spec("Permute", x -> Ops.bind(new Permute(new int[] {2, 0, -2}), x[0]).exp(),
                r -> of(normal(r, 2, 3, 4)), 1e-6, 2, true));
        s.add(new Spec("Expand", x -> Ops.bind(new Expand(Shape.of(2, 3, 4)), x[0]).sin(), r -> of(normal(r, 3, 1)), 1e-6, 2, true));
        s.add(new Spec("Slice", x -> Ops.bind(new Slice(1, 1, 6, 2), x[0]).square(), r -> of(normal(r, 3, 7)), 1e-6, 2, true));
        s.add(new Spec("Copy", x -> Ops.bind(new Copy(), x[0].transpose()).square(), r -> of(normal(r, 3, 4)), 1e-6, 2, true));
        s.add(new Spec("MatMul", x -> Ops.bind(new MatMul(), x[0], x[1]), r -> of(normal(r, 2, 3, 4), normal(r, 4, 5)), 1e-6, 2, true));
        s.add(new Spec("MatMulAdd", x -> Ops.bind(new MatMulAdd(), x[0], x[1], x[2]),
                r -> of(normal(r, 3, 4), normal(r, 4, 5), normal(r, 5)), 1e-6, 2, true));
        s.add(new Spec("MatMulAdd column", x -> Ops.bind(new MatMulAdd(), x[0], x[1].transpose(), x[2]),
                r -> of(normal(r, 3, 4), normal(r, 5, 4), normal(r, 3, 1)), 1e-6, 2, true));
        s.add(new Spec("Concat", x -> Ops.bind(new Concat(1), x[0], x[1].square(), x[2]),
                r -> of(normal(r, 2, 3), normal(r, 2, 1), normal(r, 2, 2)), 1e-6, 2, true));
        s.add(new Spec("Pad", x -> Ops.bind(new Pad(new int[] {1, 0}, new int[] {0, 2}, 1.5), x[0]).square(),
                r -> of(normal(r, 2, 3)), 1e-6, 2, true));
        Tensor gidx = Tensor.of(new long[] {0, 3, 3, 1, 2, 2, 2, 0, 1, 1, 3, 0, 0, 0, 3}, 3, 5);
        s.add(new Spec("Gather", x -> Ops.bind(new Gather(1), x[0], gidx).square(), r -> of(normal(r, 3, 4)), 1e-6, 2, true));
        Tensor sidx = Tensor.of(new long[] {0, 3, 3, 3, 1, 0}, 2, 3);
        s.add(new Spec("ScatterAdd", x -> Ops.bind(new ScatterAdd(0), x[0], sidx, x[1].square()),
                r -> of(normal(r, 4, 3), normal(r, 3, 3)), 1e-6, 2, true));
        // Unsorted coordinates with a repeat (0, 1) and an empty row (1 of S^T): the grouping of entries by
        // output row, and the sum of repeats, are on the path of every derivative.
        Tensor sr = Tensor.of(new long[] {0, 2, 2, 1, 0, 2}, 6);
        Tensor sc = Tensor.of(new long[] {1, 0, 3, 3, 1, 2}, 6);
        s.add(new Spec("SparseMatMul", x -> Tensor.concat(0, List.of(
                Ops.bind(new SparseMatMul(3, 4, false), sr, sc, x[0], x[1]),
                Ops.bind(new SparseMatMul(3, 4, true), sr, sc, x[0].square(), x[2]).sin())),
                r -> of(normal(r, 6), normal(r, 4, 2), normal(r, 3, 2)), 1e-6, 2, true));
        s.add(new Spec("SampledDot", x -> Ops.bind(new SampledDot(), sr, sc, x[0], x[1].sin()),
                r -> of(normal(r, 3, 2), normal(r, 4, 2)), 1e-6, 2, true));
        s.add(new Spec("Reduce.SUM", x -> Ops.bind(new Reduce(ReduceOp.SUM, new int[] {1}, false), x[0].square()),
                r -> of(normal(r, 3, 4)), 1e-6, 2, true));
        s.add(new Spec("Reduce.PROD", x -> Ops.bind(new Reduce(ReduceOp.PROD, new int[] {0}, true), x[0]),
                r -> of(uniform(r, 0.5, 1.5, 3, 4)), 1e-6, 2, true));
        s.add(new Spec("Reduce.MAX", x -> Ops.bind(new Reduce(ReduceOp.MAX, new int[] {1}, false), x[0].square()),
                r -> of(distinct(r, 3, 4).add(3)), 1e-6, 2, true));
        s.add(new Spec("Reduce.MIN", x -> Ops.bind(new Reduce(ReduceOp.MIN, new int[0], false), x[0].exp()),
                r -> of(distinct(r, 3, 4)), 1e-6, 2, true));
        // Both directions, on a leading and a trailing axis, under a sine so that second order is not trivial.
        s.add(new Spec("CumSum", x -> Ops.bind(new CumSum(-1, true), Ops.bind(new CumSum(0, false), x[0]).sin()),
                r -> of(normal(r, 3, 4)), 1e-6, 2, true));
        // Several outputs: an empty piece, and a last piece left unused (no cotangent reaches it).
        s.add(new Spec("Split", x -> {
            Tensor[] p = Ops.bindAll(new Split(1, new int[] {2, 0, 4, 1}), x[0]);
            return Tensor.concat(1, List.of(p[0].sin(), p[1], p[2].square()));
        }, r -> of(normal(r, 3, 7)), 1e-6, 2, true));
        // Distinct values: no tie within a finite-difference step. The indices enter as constant weights,
        // so a wrong index changes the value checked against eager and loops.
        s.add(new Spec("TopK", x -> {
            Tensor[] t = Ops.bindAll(new TopK(3, 1, true, true), x[0]);
            return t[0].square().mul(t[1].to(DType.FLOAT64).add(1));
        }, r -> of(distinct(r, 3, 5)), 1e-6, 2, true));
        s.add(new Spec("TopK.smallestUnsorted", x -> {
            Tensor[] t = Ops.bindAll(new TopK(2, -2, false, false), x[0]);
            return t[0].exp().mul(t[1].to(DType.FLOAT64).add(1));
        }, r -> of(distinct(r, 4, 3)), 1e-6, 2, true));
        // the key is an integer (the float64 input rounded): no derivative flows, vmap draws one block per key
        s.add(new Spec("RandomUniform", x -> Ops.bind(new RandomUniform(7, Shape.of(2, 3), DType.FLOAT64),
                x[0].mul(1000).to(DType.INT64)), r -> of(normal(r, 2)), 0, 1, false));
        // the values pass, no derivative flows (checked eagerly, under jit and through nested graphs' rules)
        s.add(new Spec("StopGradient", x -> Ops.bind(new StopGradient(), x[0]), r -> of(normal(r, 3, 2)), 0, 1, false));
        s.add(new Spec("ArgReduce", x -> Ops.bind(new ArgReduce(true, 1, false), x[0]), r -> of(distinct(r, 3, 4)), 0, 1, false));
        Conv2dOptions co = new Conv2dOptions(2, 1, 1, 0, 1, 1, 1);
        Shape xs = Shape.of(2, 2, 5, 4);
        Shape ws = Shape.of(3, 2, 3, 2);
        s.add(new Spec("Conv2d", x -> Ops.bind(new Conv2d(co), x[0], x[1]),
                r -> of(normal(r, 2, 2, 5, 4), normal(r, 3, 2, 3, 2)), 1e-6, 2, true));
        Tensor dyShape = Ops.bind(new Conv2d(co), Tensor.zeros(DType.FLOAT64, xs.dims()), Tensor.zeros(DType.FLOAT64, ws.dims()));
        s.add(new Spec("Conv2dInputGrad", x -> Ops.bind(new Conv2dInputGrad(co, xs), x[0], x[1]),
                r -> of(normal(r, dyShape.dims()), normal(r, ws.dims())), 1e-6, 2, true));
        s.add(new Spec("Conv2dWeightGrad", x -> Ops.bind(new Conv2dWeightGrad(co, ws), x[0], x[1]),
                r -> of(normal(r, xs.dims()), normal(r, dyShape.dims())), 1e-6, 2, true));
        Pool2dOptions po = Pool2dOptions.of(2, 1, 0);
        // Distinct values keep every window's maximum away from ties, where the routing would jump.
        s.add(new Spec("MaxPool2d", x -> Ops.bind(new MaxPool2d(po), x[0]), r -> of(distinct(r, 1, 2, 3, 4)), 1e-6, 2, true));
        s.add(new Spec("MaxPool2dGrad", x -> Ops.bind(new MaxPool2dGrad(po), distinctInput, x[0]),
                r -> of(normal(r, 1, 2, 2, 3)), 1e-6, 2, true));
        s.add(new Spec("MaxPool2dSelect", x -> Ops.bind(new MaxPool2dSelect(po), distinctInput, x[0]),
                r -> of(normal(r, 1, 2, 3, 4)), 1e-6, 2, true));
        s.add(new Spec("AvgPool2d", x -> Ops.bind(new AvgPool2d(po), x[0]), r -> of(normal(r, 1, 2, 3, 4)), 1e-6, 2, true));
        s.add(new Spec("AvgPool2dGrad", x -> Ops.bind(new AvgPool2dGrad(po, Shape.of(1, 2, 3, 4)), x[0]),
                r -> of(normal(r, 1, 2, 2, 3)), 1e-6, 2, true));
        s.addAll(control());
        s.addAll(LinalgSpecs.all());
        return s;
    }

    /**
     * Structured control flow, compiled: under jit each is one structured operation (a primitive of
     * several outputs), whose rules rerun the loop on a tape at run time; order 2 goes through the rules of
     * those derivative operations. Integer carries (counters) and predicates get no derivative.
     */
    private static List<Spec> control() {
        // Both branches in one evaluation, whatever the sign of the inputs: no finite difference crosses one.
        Function<List<Tensor>, Tensor> cond = x -> Control.cond(x.get(0).sum().gt(0),
                        v -> v.get(0).mul(v.get(1)).sin(), v -> v.get(0).exp().mul(v.get(1)), x)
                .add(Control.cond(x.get(0).sum().le(0), v -> v.get(0).mul(v.get(1)).sin(),
                        v -> v.get(0).exp().mul(v.get(1)), x));
        // Three steps of x <- sin(x * y) + x, y captured, counted by an int carry.
        Function<List<Tensor>, Tensor> loop = x -> Control.whileLoop(c -> c.get(1).lt(3),
                c -> List.of(c.get(0).mul(x.get(1)).sin().add(c.get(0)), c.get(1).add(1)),
                List.of(x.get(0), Tensor.scalar(0, DType.INT32))).get(0);
        // An RNN-like scan: c <- tanh(c * w + x_t), y_t = c^2; returns the ys and the final carry.
        Function<List<Tensor>, Tensor> scan = x -> {
            Control.ScanResult<Tensor> r = Control.scan((c, xt) -> {
                Tensor next = c.mul(x.get(2)).add(xt).tanh();
                return new Control.Step<>(next, next.square());
            }, x.get(1), x.get(0));
            return Tensor.concat(0, List.of(r.ys().reshape(-1), r.carry()));
        };
        var remat = Remat.checkpointN((Tensor[] x) -> x[0].mul(x[1]).sin().add(x[0].exp()).sum());
        // The specs run the traced graph through the rule table (Graph.evaluate), so that their derivatives
        // go through the structured operations' rules rather than through the eager Java control flow.
        return List.of(
                new Spec("Control.cond", x -> viaGraph(cond, x), r -> of(normal(r, 3), normal(r, 3)), 1e-6, 2, true),
                new Spec("Control.whileLoop", x -> viaGraph(loop, x), r -> of(normal(r, 2), normal(r, 2)),
                        1e-6, 2, true),
                new Spec("Control.scan", x -> viaGraph(scan, x),
                        r -> of(normal(r, 4, 3), normal(r, 3), normal(r, 3)), 1e-6, 2, true),
                // checkpoint's Remat primitive: its rules rerun the traced function (rematerialization).
                new Spec("Remat", x -> remat.apply(x), r -> of(normal(r, 3), normal(r, 3)), 1e-6, 2, true));
    }

    /** {@code f}'s traced graph for these arguments, interpreted through the rule table. */
    private static Tensor viaGraph(Function<List<Tensor>, Tensor> f, Tensor[] x) {
        List<Tensor> args = List.of(x);
        if (x[0].isTraced()) {
            return f.apply(args); // already inside a trace (the compiled check): the loop is traced as usual
        }
        return Jit.makeGraph(f, args).evaluate(x)[0];
    }

    private static final Tensor distinctInput = distinct(new Random(7), 1, 2, 3, 4);

    private static Spec unary(UnaryOp op) {
        Function<Tensor[], Tensor> f = x -> Ops.bind(new Unary(op), x[0]);
        Function<Random, Tensor[]> domain = switch (op) {
            case LOG, SQRT, RSQRT -> r -> of(uniform(r, 0.5, 2, 3, 4));
            case LOG1P -> r -> of(uniform(r, -0.5, 2, 3, 4));
            case TAN -> r -> of(uniform(r, -1, 1, 3, 4));
            case ASIN, ACOS, ATANH -> r -> of(uniform(r, -0.8, 0.8, 3, 4));
            case ACOSH -> r -> of(uniform(r, 1.2, 3, 3, 4));
            case ABS, RELU, SIGN -> r -> of(awayFromZero(r, 3, 4));
            default -> r -> of(normal(r, 3, 4));
        };
        boolean differentiable = switch (op) {
            case SIGN, IS_NAN, IS_FINITE, LOGICAL_NOT, FLOOR, CEIL, ROUND -> false;
            default -> true;
        };
        return new Spec("Unary." + op.name(), f, domain, 1e-6, 2, differentiable);
    }

    private static Spec binary(BinaryOp op) {
        Function<Tensor[], Tensor> f = x -> Ops.bind(new Binary(op), x[0], x[1]);
        // b of shape [4] against a of [3, 4]: every binary rule is also checked through unbroadcasting.
        Function<Random, Tensor[]> domain = switch (op) {
            case DIV -> r -> of(normal(r, 3, 4), uniform(r, 0.5, 2, 4));
            case POW -> r -> of(uniform(r, 0.5, 2, 3, 4), normal(r, 4));
            case MAXIMUM, MINIMUM -> r -> {
                Tensor b = normal(r, 4);
                // a differs from b by at least 0.2 everywhere: no ties, no kinks within eps.
                return of(b.add(awayFromZero(r, 3, 4)), b);
            };
            default -> r -> of(normal(r, 3, 4), normal(r, 4));
        };
        boolean differentiable = switch (op) {
            case ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM -> true;
            default -> false;
        };
        return new Spec("Binary." + op.name(), f, domain, 1e-6, 2, differentiable);
    }
}
