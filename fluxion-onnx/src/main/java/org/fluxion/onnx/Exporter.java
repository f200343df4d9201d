package org.fluxion.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.fluxion.jit.Jit;
import org.fluxion.jit.ir.Equation;
import org.fluxion.jit.ir.Graph;
import org.fluxion.jit.ir.Value;
import org.fluxion.onnx.proto.OnnxProto.AttributeProto;
import org.fluxion.onnx.proto.OnnxProto.GraphProto;
import org.fluxion.onnx.proto.OnnxProto.ModelProto;
import org.fluxion.onnx.proto.OnnxProto.NodeProto;
import org.fluxion.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.fluxion.onnx.proto.OnnxProto.TensorShapeProto;
import org.fluxion.onnx.proto.OnnxProto.TypeProto;
import org.fluxion.onnx.proto.OnnxProto.ValueInfoProto;
import org.fluxion.ops.ArgReduce;
import org.fluxion.ops.Binary;
import org.fluxion.ops.BinaryOp;
import org.fluxion.ops.Cast;
import org.fluxion.ops.Concat;
import org.fluxion.ops.ConvolutionPrimitives;
import org.fluxion.ops.CumSum;
import org.fluxion.ops.Gather;
import org.fluxion.ops.MatMul;
import org.fluxion.ops.MatMulAdd;
import org.fluxion.ops.Pad;
import org.fluxion.ops.Pool2dOptions;
import org.fluxion.ops.Primitive;
import org.fluxion.ops.Reduce;
import org.fluxion.ops.ScatterAdd;
import org.fluxion.ops.Split;
import org.fluxion.ops.StopGradient;
import org.fluxion.ops.TopK;
import org.fluxion.ops.Unary;
import org.fluxion.ops.ViewPrimitives;
import org.fluxion.ops.Where;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * A traced Fluxion function as an ONNX model (opset {@value #OPSET}): {@code jit}'s graph of primitives before
 * optimization, one or a few ONNX nodes per equation; captured tensors (the model's parameters) become
 * initializers. Shapes are those of the example inputs. A primitive with no ONNX form (a custom rule, a
 * gradient kernel) is refused by name.
 */
final class Exporter {
    static final int OPSET = 17;

    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("fluxion");
    private final Map<Value, String> names = new IdentityHashMap<>();
    private int counter;

    private Exporter() {
    }

    static ModelProto export(Function<Tensor[], Tensor[]> f, Tensor[] example) {
        Graph g = Jit.makeGraph(f, example);
        Exporter x = new Exporter();
        for (int i = 0; i < g.inputs().size(); i++) {
            Value v = g.inputs().get(i);
            x.names.put(v, "input_" + i);
            x.graph.addInput(valueInfo("input_" + i, v.type()));
        }
        for (Equation e : g.equations()) {
            x.equation(e);
        }
        for (int i = 0; i < g.outputs().size(); i++) {
            Value v = g.outputs().get(i);
            String name = "output_" + i;
            x.node("Identity", List.of(x.name(v)), List.of(name));
            x.graph.addOutput(valueInfo(name, v.type()));
        }
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("fluxion").setProducerVersion("0.1.0")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(OPSET)).setGraph(x.graph).build();
    }

    private static ValueInfoProto valueInfo(String name, TensorType t) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (int d : t.shape().dims()) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(ElementType.code(t.dtype())).setShape(s))).build();
    }

    /** The name of a value; a constant's first use adds it as an initializer. */
    private String name(Value v) {
        String n = names.get(v);
        if (n == null) {
            if (!v.isConstant()) {
                throw new OnnxException("export: value " + v + " is used before it is computed");
            }
            n = "param_" + names.size();
            graph.addInitializer(TensorProtos.write(v.constant(), n));
            names.put(v, n);
        }
        return n;
    }

    private String fresh() {
        return "t" + counter++;
    }

    private String constant(Tensor t) {
        String n = "const_" + counter++;
        graph.addInitializer(TensorProtos.write(t, n));
        return n;
    }

    private String longs(int... values) {
        return constant(Tensor.of(Arrays.stream(values).asLongStream().toArray(), values.length));
    }

    private void node(String op, List<String> inputs, List<String> outputs, AttributeProto... attributes) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName(outputs.get(0) + "_" + op)
                .addAllInput(inputs).addAllOutput(outputs);
        for (AttributeProto a : attributes) {
            b.addAttribute(a);
        }
        graph.addNode(b);
    }

    /** A node of one output, a fresh name. */
    private String apply(String op, List<String> inputs, AttributeProto... attributes) {
        String out = fresh();
        node(op, inputs, List.of(out), attributes);
        return out;
    }

    private String castTo(Value v, DType d) {
        return v.type().dtype() == d ? name(v) : apply("Cast", List.of(name(v)), intAttr("to", ElementType.code(d)));
    }

    static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    static AttributeProto intsAttr(String name, int... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (int x : v) {
            b.addInts(x);
        }
        return b.build();
    }

    static AttributeProto stringAttr(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(v)).build();
    }

    private void equation(Equation e) {
        Primitive p = e.primitive();
        Value[] in = e.inputs();
        Value[] outs = e.outputs();
        DType outType = outs[0].type().dtype();
        String result = switch (p) {
            case Unary u -> unary(u, castTo(in[0], u.op().name().startsWith("IS_") || u.op().name().equals("LOGICAL_NOT")
                    ? in[0].type().dtype() : outType));
            case Binary b -> binary(b.op(), in, outType);
            case Where w -> apply("Where", List.of(castTo(in[0], DType.BOOL), castTo(in[1], outType),
                    castTo(in[2], outType)));
            case Cast c -> apply("Cast", List.of(name(in[0])), intAttr("to", ElementType.code(c.target())));
            case MatMul m -> apply("MatMul", List.of(castTo(in[0], outType), castTo(in[1], outType)));
            case MatMulAdd m -> apply("Add", List.of(apply("MatMul", List.of(castTo(in[0], outType),
                    castTo(in[1], outType))), castTo(in[2], outType)));
            case Reduce r -> reduce(r, name(in[0]));
            case ArgReduce a -> apply(a.max() ? "ArgMax" : "ArgMin", List.of(name(in[0])), intAttr("axis", a.axis()),
                    intAttr("keepdims", a.keepDims() ? 1 : 0));
            case CumSum c -> apply("CumSum", List.of(name(in[0]), longs(c.axis())), intAttr("reverse", c.reverse() ? 1 : 0));
            case Concat c -> {
                List<String> parts = new ArrayList<>();
                for (Value v : in) parts.add(castTo(v, outType));
                yield apply("Concat", parts, intAttr("axis", c.axis()));
            }
            case Pad pad -> {
                int[] pads = new int[2 * pad.before().length];
                System.arraycopy(pad.before(), 0, pads, 0, pad.before().length);
                System.arraycopy(pad.after(), 0, pads, pad.before().length, pad.after().length);
                yield apply("Pad", List.of(name(in[0]), longs(pads), constant(Tensor.scalar(pad.value(), outType))));
            }
            case Gather g -> apply("GatherElements", List.of(name(in[0]), name(in[1])), intAttr("axis", g.axis()));
            case ScatterAdd s -> apply("ScatterElements", List.of(name(in[0]), name(in[1]), name(in[2])),
                    intAttr("axis", s.axis()), stringAttr("reduction", "add"));
            case ViewPrimitives.Reshape r -> apply("Reshape", List.of(name(in[0]), longs(r.shape().dims())));
            case ViewPrimitives.Permute r -> apply("Transpose", List.of(name(in[0])), intsAttr("perm", r.order()));
            case ViewPrimitives.Expand r -> apply("Expand", List.of(name(in[0]), longs(r.shape().dims())));
            case ViewPrimitives.Slice s -> apply("Slice", List.of(name(in[0]), longs(s.start()), longs(s.end()),
                    longs(s.axis()), longs(s.step())));
            case ViewPrimitives.Copy c -> apply("Identity", List.of(name(in[0])));
            case StopGradient g -> apply("Identity", List.of(name(in[0]))); // inference graphs have no gradients
            case ConvolutionPrimitives.Conv2d c -> {
                var o = c.options();
                yield apply("Conv", List.of(castTo(in[0], outType), castTo(in[1], outType)),
                        intsAttr("strides", o.strideH(), o.strideW()), intsAttr("dilations", o.dilationH(), o.dilationW()),
                        intsAttr("pads", o.padH(), o.padW(), o.padH(), o.padW()), intAttr("group", o.groups()));
            }
            case ConvolutionPrimitives.MaxPool2d m -> pool("MaxPool", m.options(), name(in[0]));
            case ConvolutionPrimitives.AvgPool2d a -> pool("AveragePool", a.options(), name(in[0]));
            case Split s -> {
                List<String> names = new ArrayList<>();
                for (int i = 0; i < outs.length; i++) names.add(fresh());
                node("Split", List.of(name(in[0]), longs(s.sizes())), names, intAttr("axis", s.axis()));
                for (int i = 0; i < outs.length; i++) this.names.put(outs[i], names.get(i));
                yield null;
            }
            case TopK t -> {
                String values = fresh();
                String indices = fresh();
                node("TopK", List.of(name(in[0]), longs(t.k())), List.of(values, indices), intAttr("axis", t.axis()),
                        intAttr("largest", t.largest() ? 1 : 0), intAttr("sorted", t.sorted() ? 1 : 0));
                names.put(outs[0], values);
                names.put(outs[1], indices);
                yield null;
            }
            default -> throw new OnnxException("export: primitive '" + p.name() + "' has no ONNX form (equation " + e
                    + ")");
        };
        if (result != null) {
            names.put(outs[0], result);
        }
    }

    private String unary(Unary u, String x) {
        return switch (u.op()) {
            case NEG -> apply("Neg", List.of(x));
            case ABS -> apply("Abs", List.of(x));
            case SIGN -> apply("Sign", List.of(x));
            case EXP -> apply("Exp", List.of(x));
            case LOG -> apply("Log", List.of(x));
            case LOG1P -> apply("Log", List.of(apply("Add", List.of(x, oneLike(x)))));
            case EXPM1 -> apply("Sub", List.of(apply("Exp", List.of(x)), oneLike(x)));
            case SQRT -> apply("Sqrt", List.of(x));
            case RSQRT -> apply("Reciprocal", List.of(apply("Sqrt", List.of(x))));
            case SIN -> apply("Sin", List.of(x));
            case COS -> apply("Cos", List.of(x));
            case TAN -> apply("Tan", List.of(x));
            case TANH -> apply("Tanh", List.of(x));
            case SIGMOID -> apply("Sigmoid", List.of(x));
            case RELU -> apply("Relu", List.of(x));
            case IS_NAN -> apply("IsNaN", List.of(x));
            case IS_FINITE -> apply("Not", List.of(apply("Or", List.of(apply("IsNaN", List.of(x)),
                    apply("IsInf", List.of(x))))));
            case LOGICAL_NOT -> apply("Not", List.of(apply("Cast", List.of(x), intAttr("to", ElementType.BOOL))));
            case FLOOR -> apply("Floor", List.of(x));
            case CEIL -> apply("Ceil", List.of(x));
            case ROUND -> apply("Round", List.of(x));
            case ERF -> apply("Erf", List.of(x));
            case ASIN -> apply("Asin", List.of(x));
            case ACOS -> apply("Acos", List.of(x));
            case ATAN -> apply("Atan", List.of(x));
            case SINH -> apply("Sinh", List.of(x));
            case COSH -> apply("Cosh", List.of(x));
            case ASINH -> apply("Asinh", List.of(x));
            case ACOSH -> apply("Acosh", List.of(x));
            case ATANH -> apply("Atanh", List.of(x));
        };
    }

    /** A float32 one, cast like {@code x} at run time (CastLike), for log1p and expm1. */
    private String oneLike(String x) {
        return apply("CastLike", List.of(constant(Tensor.scalar(1)), x));
    }

    private String binary(BinaryOp op, Value[] in, DType outType) {
        boolean comparison = switch (op) {
            case EQ, NE, LT, LE, GT, GE, LOGICAL_AND, LOGICAL_OR -> true;
            default -> false;
        };
        DType operands = comparison ? DType.promote(in[0].type().dtype(), in[1].type().dtype()) : outType;
        if (op == BinaryOp.LOGICAL_AND || op == BinaryOp.LOGICAL_OR) {
            operands = DType.BOOL;
        }
        List<String> xs = List.of(castTo(in[0], operands), castTo(in[1], operands));
        return switch (op) {
            case ADD -> apply("Add", xs);
            case SUB -> apply("Sub", xs);
            case MUL -> apply("Mul", xs);
            case DIV -> apply("Div", xs);
            case POW -> apply("Pow", xs);
            case MAXIMUM -> apply("Max", xs);
            case MINIMUM -> apply("Min", xs);
            case EQ -> apply("Equal", xs);
            case NE -> apply("Not", List.of(apply("Equal", xs)));
            case LT -> apply("Less", xs);
            case LE -> apply("LessOrEqual", xs);
            case GT -> apply("Greater", xs);
            case GE -> apply("GreaterOrEqual", xs);
            case LOGICAL_AND -> apply("And", xs);
            case LOGICAL_OR -> apply("Or", xs);
        };
    }

    private String reduce(Reduce r, String x) {
        AttributeProto keep = intAttr("keepdims", r.keepDims() ? 1 : 0);
        return switch (r.op()) {
            case SUM -> apply("ReduceSum", List.of(x, longs(r.axes())), keep);
            case PROD -> apply("ReduceProd", List.of(x), intsAttr("axes", r.axes()), keep);
            case MAX -> apply("ReduceMax", List.of(x), intsAttr("axes", r.axes()), keep);
            case MIN -> apply("ReduceMin", List.of(x), intsAttr("axes", r.axes()), keep);
        };
    }

    private String pool(String op, Pool2dOptions o, String x) {
        List<AttributeProto> attrs = new ArrayList<>(List.of(intsAttr("kernel_shape", o.kernelH(), o.kernelW()),
                intsAttr("strides", o.strideH(), o.strideW()), intsAttr("pads", o.padH(), o.padW(), o.padH(), o.padW()),
                intAttr("ceil_mode", o.ceilMode() ? 1 : 0)));
        if (op.equals("AveragePool")) {
            attrs.add(intAttr("count_include_pad", o.countIncludePad() ? 1 : 0));
        }
        return apply(op, List.of(x), attrs.toArray(AttributeProto[]::new));
    }
}
