package org.fluxion.jit.passes;

import java.util.IdentityHashMap;
import java.util.Map;
import org.fluxion.jit.ir.Equation;
import org.fluxion.jit.ir.Graph;
import org.fluxion.jit.ir.Printer;
import org.fluxion.jit.ir.Value;
import org.fluxion.ops.Binary;
import org.fluxion.ops.BinaryOp;
import org.fluxion.ops.MatMul;
import org.fluxion.ops.MatMulAdd;
import org.fluxion.ops.Unary;
import org.fluxion.ops.UnaryOp;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * {@code a @ b + c} as one step ({@link MatMulAdd}'s kernel, writing into a recycled buffer): the output starts as
 * {@code c} broadcast to [n, m] (a bias row, a full [n, m] tensor, or a scalar such as 0) and the GEMM accumulates
 * into it, so the sum costs no pass of its own and the
 * result reaches the next fused kernel dense. Like {@link Fused} it only appears in compiled plans,
 * after differentiation, and has no derivative rules.
 *
 * <p>A stack {@code a [B..., n, k]} times a matrix {@code b [k, m]} (a linear layer on a batch of sequences) is
 * the same GEMM over the {@code B*n} rows of a flattened: {@code y.reshape(B*n, m) = a.reshape(B*n, k) @ b + c'},
 * taken when c is a scalar, a row ({@code [..., 1, m]}, every dimension before the last 1) or the whole output, whose
 * flattened form {@code c'} is then a scalar, a row {@code [m]} or a full {@code [B*n, m]}. With {@code relu} the
 * step applies a ReLU to its output after the GEMM ({@code matmul_add_relu}, see {@link #rewrite}).
 */
record MatMulBias(TensorType type, boolean plain, boolean relu) implements PlanStep, Printer.Described {
    /** {@code a @ b + c}. */
    MatMulBias(TensorType type) {
        this(type, false, false);
    }

    /** {@code a @ b + c}, or the product alone when {@code plain}. */
    MatMulBias(TensorType type, boolean plain) {
        this(type, plain, false);
    }

    @Override
    public String parameters(String indent) {
        return ""; // the output type is printed with the output
    }

    @Override
    public String name() {
        return relu ? "matmul_add_relu" : "matmul_add";
    }

    @Override
    public String rewrittenFrom() {
        return relu ? "matmul, add and relu" : "matmul and add";
    }

    @Override
    public Tensor computeInto(Storage buffer, Tensor[] in) {
        Tensor y = product(buffer, in);
        if (relu) {
            relu(buffer, type.shape().size());
        }
        return y;
    }

    /**
     * ReLU over the product just written, {@code max(v, 0)} as the relu kernels compute it ({@code -0} becomes
     * {@code +0}, NaN stays): the same bits as the elementwise step it replaces, on data still in cache.
     */
    private static void relu(Storage buffer, int size) {
        if (buffer.array() instanceof float[] f) {
            for (int i = 0; i < size; i++) {
                f[i] = Math.max(f[i], 0f);
            }
        } else {
            double[] d = buffer.doubles();
            for (int i = 0; i < size; i++) {
                d[i] = Math.max(d[i], 0.0);
            }
        }
    }

    private Tensor product(Storage buffer, Tensor[] in) {
        if (plain && type.shape().rank() == 2) {
            return MatMulAdd.productInto(buffer, type, in[0], in[1]);
        }
        if (type.shape().rank() == 2) {
            return MatMulAdd.into(buffer, type, in[0], in[1], in[2]);
        }
        int k = in[0].dim(-1), m = type.shape().dim(-1), rows = type.shape().size() / Math.max(1, m);
        Tensor a = in[0].isContiguous() ? in[0] : in[0].contiguous();
        Tensor c = in[2];
        if (c.size() != 1) { // a scalar fills as it is; a full c and a row lose their leading dimensions
            c = c.shape().equals(type.shape()) ? c.reshape(rows, m) : c.reshape(m);
        }
        TensorType flat = new TensorType(Shape.of(rows, m), type.dtype());
        return MatMulAdd.into(buffer, flat, a.reshape(rows, k), in[1], c).reshape(type.shape().dims());
    }

    /**
     * True for c when it may be the whole output (a running sum the plan was donated, {@code sum + a @ b}): C starts
     * as a copy of c, each element read once before the GEMM accumulates into it, so C may be c's own storage. Liveness
     * gives a step only an input of the output's size, so a bias row or a scalar c is never written over. Not for one
     * row (n = 1), which the GEMM would take as a bias row read while it stores.
     */
    @Override
    public boolean mayWriteOver(int input) {
        return input == 2 && !plain && type.shape().rank() == 2 && type.shape().dim(0) > 1;
    }

    /**
     * True when {@code matmul(a, b)} is a GEMM this step runs: a [n, k] or a stack [B..., n, k] with its own batch
     * dimensions (not broadcast), times b [k, m].
     */
    private static boolean gemmShaped(Equation mm) {
        TensorType a = mm.inputs()[0].type(), b = mm.inputs()[1].type(), y = mm.output().type();
        return b.shape().rank() == 2 && a.shape().rank() >= 2 && a.shape().rank() == y.shape().rank()
                && !y.dtype().isStorageOnly();
    }

    /** True when c (added to a product of type y) flattens with it: rank-2 y, or c a scalar, a row or y's shape. */
    private static boolean stacks(TensorType c, TensorType y) {
        Shape cs = c.shape(), ys = y.shape();
        if (ys.rank() == 2 || cs.size() == 1 || cs.equals(ys)) {
            return true;
        }
        for (int i = 0; i < cs.rank() - 1; i++) {
            if (cs.dim(i) != 1) {
                return false;
            }
        }
        return cs.rank() >= 1 && cs.dim(-1) == ys.dim(-1);
    }

    /**
     * Rewrites {@code add(matmul(a, b), c)} (either operand order) into one {@code matmul_add} when the
     * product is a GEMM ({@link #gemmShaped}) that c flattens with ({@link #stacks}), feeds only this add, and the
     * add neither broadcasts the product nor changes its dtype; a traced {@link MatMulAdd} (a linear layer's)
     * becomes one as it is.
     */
    static Graph rewrite(Graph g) {
        Map<Value, Integer> uses = g.uses();
        Map<Value, Equation> producer = g.producers();
        Map<Equation, Boolean> dropped = new IdentityHashMap<>();
        Map<Equation, Equation> replacement = new IdentityHashMap<>();
        for (Equation e : g.equations()) {
            if (e.primitive() instanceof MatMulAdd) {
                replacement.put(e, new Equation(new MatMulBias(e.output().type()), e.inputs(), e.output()));
                continue;
            }
            if (!(e.primitive() instanceof Binary b) || b.op() != BinaryOp.ADD) {
                continue;
            }
            for (int side = 0; side < 2; side++) {
                Equation mm = producer.get(e.inputs()[side]);
                Value c = e.inputs()[1 - side];
                if (mm != null && mm.primitive() instanceof MatMul && gemmShaped(mm)
                        && stacks(c.type(), mm.output().type()) && uses.get(mm.output()) == 1
                        && e.output().type().equals(mm.output().type())
                        && c.type().dtype() == mm.output().type().dtype() && !dropped.containsKey(mm)
                        && !c.type().dtype().isStorageOnly()) {
                    dropped.put(mm, true);
                    replacement.put(e, new Equation(new MatMulBias(e.output().type()),
                            new Value[] {mm.inputs()[0], mm.inputs()[1], c}, e.output()));
                    break;
                }
            }
        }
        // The other GEMM-shaped products become matmul_add of a zero, so that they too write into recycled buffers; a
        // rank-2 one is then computed as the product alone (plain), the GEMM overwriting the buffer.
        int nextId = Passes.maxId(g) + 1;
        for (Equation e : g.equations()) {
            if (e.primitive() instanceof MatMul && !dropped.containsKey(e) && gemmShaped(e)) {
                TensorType t = e.output().type();
                Value zero = new Value(nextId++, new TensorType(Shape.scalar(), t.dtype()),
                        Tensor.scalar(0, t.dtype()), null);
                replacement.put(e, new Equation(new MatMulBias(t, true),
                        new Value[] {e.inputs()[0], e.inputs()[1], zero}, e.output()));
            }
        }
        absorbRelus(g, uses, replacement, dropped);
        return Passes.rewritten(g, replacement, dropped);
    }

    /**
     * A {@code relu} whose input is a float {@code matmul_add}'s output read by it alone (a hidden layer's
     * activation) becomes that step's epilogue ({@code matmul_add_relu}), applied as the GEMM's output is written,
     * instead of a pass of its own. ReLU's gradient reads its output, which the step still writes.
     */
    private static void absorbRelus(Graph g, Map<Value, Integer> uses, Map<Equation, Equation> replacement,
                                    Map<Equation, Boolean> dropped) {
        Map<Value, Equation> rewritten = new IdentityHashMap<>();
        for (Map.Entry<Equation, Equation> r : replacement.entrySet()) {
            rewritten.put(r.getValue().output(), r.getKey());
        }
        for (Equation e : g.equations()) {
            if (!(e.primitive() instanceof Unary u) || u.op() != UnaryOp.RELU) {
                continue;
            }
            Equation original = rewritten.get(e.inputs()[0]);
            if (original == null || uses.get(e.inputs()[0]) != 1 || dropped.containsKey(original)) {
                continue;
            }
            Equation step = replacement.get(original);
            MatMulBias mb = (MatMulBias) step.primitive();
            if (mb.relu() || !mb.type().equals(e.output().type()) || !mb.type().dtype().isFloatingPoint()) {
                continue;
            }
            dropped.put(original, true);
            replacement.remove(original);
            replacement.put(e, new Equation(new MatMulBias(mb.type(), mb.plain(), true), step.inputs(), e.output()));
        }
    }

}
