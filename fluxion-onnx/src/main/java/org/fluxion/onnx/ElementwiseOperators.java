package org.fluxion.onnx;

import static org.fluxion.onnx.Values.one;

import java.util.Map;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import org.fluxion.ops.Elementwise;
import org.fluxion.ops.UnaryOp;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/** Elementwise arithmetic, math functions, activations, comparisons, logic and casts. */
final class ElementwiseOperators {
    private ElementwiseOperators() {
    }

    static void register(Map<String, Lowering> t) {
        binary(t, "Add", Tensor::add);
        binary(t, "Sub", Tensor::sub);
        binary(t, "Mul", Tensor::mul);
        binary(t, "Div", ElementwiseOperators::divide);
        binary(t, "Pow", ElementwiseOperators::power);
        binary(t, "Equal", Tensor::eq);
        binary(t, "Less", Tensor::lt);
        binary(t, "LessOrEqual", Tensor::le);
        binary(t, "Greater", Tensor::gt);
        binary(t, "GreaterOrEqual", Tensor::ge);
        binary(t, "And", Tensor::logicalAnd);
        binary(t, "Or", Tensor::logicalOr);
        binary(t, "Xor", Tensor::ne);
        t.put("Mod", (n, in) -> one(mod(in[0], in[1], n.i("fmod", 0) != 0)));
        variadic(t, "Max", Tensor::maximum);
        variadic(t, "Min", Tensor::minimum);
        variadic(t, "Sum", Tensor::add);
        t.put("Mean", (n, in) -> {
            Tensor s = in[0];
            for (int i = 1; i < in.length; i++) s = s.add(in[i]);
            return one(s.div(in.length));
        });

        unary(t, "Neg", Tensor::neg);
        unary(t, "Abs", Tensor::abs);
        unary(t, "Sign", Tensor::sign);
        unary(t, "Exp", Tensor::exp);
        unary(t, "Log", Tensor::log);
        unary(t, "Sqrt", Tensor::sqrt);
        unary(t, "Reciprocal", Tensor::reciprocal);
        unary(t, "Sin", Tensor::sin);
        unary(t, "Cos", Tensor::cos);
        unary(t, "Tan", Tensor::tan);
        unary(t, "Tanh", Tensor::tanh);
        unary(t, "Sigmoid", Tensor::sigmoid);
        unary(t, "Relu", Tensor::relu);
        unary(t, "Not", Tensor::logicalNot);
        unary(t, "IsNaN", Tensor::isNaN);
        unary(t, "Floor", x -> Elementwise.unary(UnaryOp.FLOOR, x));
        unary(t, "Ceil", x -> Elementwise.unary(UnaryOp.CEIL, x));
        unary(t, "Round", x -> Elementwise.unary(UnaryOp.ROUND, x));
        unary(t, "Erf", x -> Elementwise.unary(UnaryOp.ERF, x));
        unary(t, "Asin", x -> Elementwise.unary(UnaryOp.ASIN, x));
        unary(t, "Acos", x -> Elementwise.unary(UnaryOp.ACOS, x));
        unary(t, "Atan", x -> Elementwise.unary(UnaryOp.ATAN, x));
        // Gelu (opset 20; some exporters emit it earlier): x/2 (1 + erf(x/sqrt 2)), or the tanh approximation.
        t.put("Gelu", (n, in) -> {
            Tensor x = in[0];
            if (n.s("approximate", "none").equals("tanh")) {
                Tensor inner = x.add(x.mul(x).mul(x).mul(0.044715)).mul(Math.sqrt(2 / Math.PI));
                return one(x.mul(0.5).mul(inner.tanh().add(1)));
            }
            return one(x.mul(0.5).mul(Elementwise.unary(UnaryOp.ERF, x.mul(Math.sqrt(0.5))).add(1)));
        });
        unary(t, "Sinh", Tensor::sinh);
        unary(t, "Cosh", Tensor::cosh);
        unary(t, "Asinh", Tensor::asinh);
        unary(t, "Acosh", Tensor::acosh);
        unary(t, "Atanh", Tensor::atanh);
        unary(t, "Softsign", x -> x.div(x.abs().add(1)));
        unary(t, "Softplus", ElementwiseOperators::softplus);
        unary(t, "Mish", x -> x.mul(softplus(x).tanh()));
        t.put("IsInf", (n, in) -> {
            Tensor x = in[0];
            Tensor pos = x.eq(Double.POSITIVE_INFINITY);
            Tensor neg = x.eq(Double.NEGATIVE_INFINITY);
            boolean p = n.i("detect_positive", 1) != 0;
            boolean m = n.i("detect_negative", 1) != 0;
            return one(p && m ? pos.logicalOr(neg) : p ? pos : m ? neg : x.ne(x).logicalAnd(x.eq(x)));
        });
        t.put("Elu", (n, in) -> {
            double alpha = n.f("alpha", 1);
            Tensor x = in[0];
            return one(Tensor.where(x.gt(0), x, x.minimum(0).expm1().mul(alpha)));
        });
        t.put("Celu", (n, in) -> {
            double alpha = n.f("alpha", 1);
            Tensor x = in[0];
            return one(x.relu().add(x.div(alpha).minimum(0).expm1().mul(alpha)));
        });
        t.put("Selu", (n, in) -> {
            double alpha = n.f("alpha", 1.67326319217681884765625);
            double gamma = n.f("gamma", 1.05070102214813232421875);
            Tensor x = in[0];
            return one(Tensor.where(x.gt(0), x, x.minimum(0).exp().sub(1).mul(alpha)).mul(gamma));
        });
        t.put("LeakyRelu", (n, in) -> {
            Tensor x = in[0];
            return one(Tensor.where(x.lt(0), x.mul(n.f("alpha", 0.01)), x));
        });
        t.put("ThresholdedRelu", (n, in) -> {
            Tensor x = in[0];
            return one(Tensor.where(x.gt(n.f("alpha", 1)), x, x.mul(0)));
        });
        t.put("PRelu", (n, in) -> {
            Tensor x = in[0];
            Tensor slope = in[1];
            // Opset 6 and before: a vector slope is per channel (axis 1), not NumPy-broadcast.
            if (n.opset() < 7 && slope.rank() == 1 && x.rank() > 2 && slope.dim(0) == x.dim(1)) {
                int[] dims = new int[x.rank() - 1];
                java.util.Arrays.fill(dims, 1);
                dims[0] = slope.dim(0);
                slope = slope.reshape(dims);
            }
            return one(Tensor.where(x.lt(0), x.mul(slope), x));
        });
        t.put("HardSigmoid", (n, in) ->
                one(in[0].mul(n.f("alpha", 0.2)).add(n.f("beta", 0.5)).clamp(0, 1)));
        unary(t, "HardSwish", x -> x.mul(x.div(6).add(0.5).clamp(0, 1)));
        t.put("Shrink", (n, in) -> {
            double lambda = n.f("lambd", 0.5);
            double bias = n.f("bias", 0);
            Tensor x = in[0];
            Tensor zero = x.mul(0);
            return one(Tensor.where(x.lt(-lambda), x.add(bias), Tensor.where(x.gt(lambda), x.sub(bias), zero)));
        });
        t.put("Clip", (n, in) -> {
            Tensor x = in[0];
            if (n.opset() < 11) {
                return one(x.maximum(n.f("min", Double.NEGATIVE_INFINITY)).minimum(n.f("max", Double.POSITIVE_INFINITY)));
            }
            Tensor y = x;
            if (in.length > 1 && in[1] != null) y = y.maximum(in[1].to(x.dtype()));
            if (in.length > 2 && in[2] != null) y = y.minimum(in[2].to(x.dtype()));
            return one(y);
        });
        t.put("Where", (n, in) -> one(Tensor.where(in[0], in[1], in[2])));
        t.put("Identity", (n, in) -> one(in[0]));
        t.put("Cast", (n, in) -> one(cast(n, in[0], (int) n.i("to", 0))));
        t.put("CastLike", (n, in) -> one(in[0].to(in[1].dtype())));
        t.put("Dropout", (n, in) -> {
            // Inference (or a zero ratio): the identity, and the mask (if asked for) all true.
            boolean training = in.length > 2 && in[2] != null && Values.scalar(n, in[2], "training_mode") != 0;
            if (training && (in.length > 1 && in[1] != null ? Values.scalar(n, in[1], "ratio") : 0.5) != 0) {
                throw new UnsupportedModelException(n.describe(), java.util.List.of(
                        "Dropout in training mode (random masks need a seeded source the graph does not give)"));
            }
            return new Tensor[] {in[0], Tensor.full(1, DType.BOOL, in[0].dims())};
        });
    }

    private static void unary(Map<String, Lowering> t, String name, UnaryOperator<Tensor> f) {
        t.put(name, (n, in) -> one(f.apply(in[0])));
    }

    /**
     * Opset 1-6's {@code broadcast=1, axis=k}: B's dims align with A's starting at axis k (later opsets
     * broadcast as NumPy does, which is the default here too).
     */
    private static void binary(Map<String, Lowering> t, String name, BinaryOperator<Tensor> f) {
        t.put(name, (n, in) -> {
            Tensor a = in[0];
            Tensor b = in[1];
            if (n.opset() < 7 && n.i("broadcast", 0) != 0 && n.has("axis") && b.rank() < a.rank()) {
                int axis = Values.axis(n, n.i("axis", 0), a.rank());
                int[] dims = new int[a.rank() - axis];
                java.util.Arrays.fill(dims, 1);
                System.arraycopy(b.dims(), 0, dims, 0, b.rank());
                b = b.reshape(dims);
            }
            return one(f.apply(a, b));
        });
    }

    private static void variadic(Map<String, Lowering> t, String name, BinaryOperator<Tensor> f) {
        t.put(name, (n, in) -> {
            Tensor y = in[0];
            for (int i = 1; i < in.length; i++) y = f.apply(y, in[i]);
            return one(y);
        });
    }

    /** Integer division truncates toward zero (ONNX follows C); floating division is true division. */
    static Tensor divide(Tensor a, Tensor b) {
        if (a.dtype().isFloatingPoint() || b.dtype().isFloatingPoint()) {
            return a.div(b);
        }
        return a.to(DType.FLOAT64).div(b.to(DType.FLOAT64)).to(a.dtype());
    }

    /** The result keeps the base's type (ONNX's Pow), whatever the exponent's. */
    static Tensor power(Tensor a, Tensor b) {
        if (a.dtype().isFloatingPoint()) {
            return a.pow(b.to(a.dtype()));
        }
        return a.to(DType.FLOAT64).pow(b.to(DType.FLOAT64)).to(a.dtype());
    }

    /**
     * {@code fmod}: the remainder of truncated division, with the dividend's sign (C's fmod); otherwise the
     * remainder of floored division, with the divisor's sign (Python's %). The quotient is truncated through
     * an int64 cast and carries no gradient: d(a mod b)/da = 1.
     */
    static Tensor mod(Tensor a, Tensor b, boolean fmod) {
        DType t = DType.promote(a.dtype(), b.dtype());
        Tensor x = a.to(DType.FLOAT64);
        Tensor y = b.to(DType.FLOAT64);
        Tensor q = x.div(y).to(DType.INT64).to(DType.FLOAT64).detach();
        Tensor r = x.sub(q.mul(y));
        if (!fmod) {
            Tensor wrong = r.ne(0).logicalAnd(r.lt(0).ne(y.lt(0)));
            r = Tensor.where(wrong, r.add(y), r);
        }
        return r.to(t);
    }

    /**
     * log(1 + e^x), written as log1p(e^min(x, 20)) below 20 and x above, where they agree to double precision:
     * e^x never overflows, and the derivative is sigmoid(x) everywhere (the max(x, 0) + log1p(e^-|x|) form
     * has the right value but a zero subgradient at exactly 0).
     */
    static Tensor softplus(Tensor x) {
        return Tensor.where(x.gt(20), x, x.minimum(20).exp().log1p());
    }

    static Tensor cast(Node n, Tensor x, int to) {
        DType d = ElementType.dtype(to);
        if (d == null) {
            throw new UnsupportedModelException(n.describe(), java.util.List.of("Cast to " + ElementType.name(to)));
        }
        return x.to(d);
    }
}
