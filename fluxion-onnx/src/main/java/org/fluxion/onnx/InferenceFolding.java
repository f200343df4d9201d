package org.fluxion.onnx;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fluxion.onnx.proto.OnnxProto.AttributeProto;
import org.fluxion.onnx.proto.OnnxProto.GraphProto;
import org.fluxion.onnx.proto.OnnxProto.NodeProto;
import org.fluxion.onnx.proto.OnnxProto.TensorProto;
import org.fluxion.onnx.proto.OnnxProto.ValueInfoProto;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Graph rewrites for inference, applied once at load by {@link Onnx#loadForInference}: a BatchNormalization
 * (inference mode) that alone reads a Conv's output is folded into that Conv's weights, as exporters do when
 * asked to, so the network runs one pass per layer instead of two. With {@code s = gamma / sqrt(var + eps)}:
 * <pre>
 *   W'[o, ...] = W[o, ...] s[o],   b'[o] = (b[o] - mean[o]) s[o] + beta[o]
 * </pre>
 * computed in float64 and stored in the weight's type. The rewrite needs the Conv's weight and bias and all
 * four BatchNormalization vectors to be initializers; anything else is left as it is. The folded graph no
 * longer holds the BatchNormalization initializers, so it is not the one to fine-tune them in.
 */
final class InferenceFolding {
    private InferenceFolding() {
    }

    /** The graph with every foldable Conv + BatchNormalization pair replaced by one Conv. */
    static GraphProto fold(GraphProto g, Map<String, Integer> opsets, Path baseDir, String where) {
        Map<String, TensorProto> initializers = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        Map<String, Integer> readers = new HashMap<>();
        countReaders(g, readers);
        for (ValueInfoProto o : g.getOutputList()) {
            readers.merge(o.getName(), 1, Integer::sum);
        }
        Map<String, NodeProto> producer = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            for (String o : n.getOutputList()) {
                producer.put(o, n);
            }
        }
        int opset = opsets.getOrDefault("", 0);
        Map<NodeProto, NodeProto> replaced = new HashMap<>();
        Set<NodeProto> removed = new HashSet<>();
        List<TensorProto> added = new ArrayList<>();
        for (NodeProto bn : g.getNodeList()) {
            if (!isDefaultDomain(bn) || !bn.getOpType().equals("BatchNormalization") || bn.getInputCount() < 5
                    || bn.getOutputCount() < 1) {
                continue;
            }
            NodeProto conv = producer.get(bn.getInput(0));
            if (conv == null || !isDefaultDomain(conv) || !conv.getOpType().equals("Conv") || removed.contains(conv)
                    || replaced.containsKey(conv) || readers.getOrDefault(bn.getInput(0), 0) != 1
                    || !inferenceMode(bn, opset) || conv.getInputCount() < 2) {
                continue;
            }
            TensorProto w = initializers.get(conv.getInput(1));
            TensorProto b = conv.getInputCount() > 2 && !conv.getInput(2).isEmpty()
                    ? initializers.get(conv.getInput(2)) : null;
            boolean hasBias = conv.getInputCount() > 2 && !conv.getInput(2).isEmpty();
            List<TensorProto> bnParams = new ArrayList<>();
            for (int i = 1; i < 5; i++) {
                bnParams.add(initializers.get(bn.getInput(i)));
            }
            if (w == null || (hasBias && b == null) || bnParams.contains(null)) {
                continue;
            }
            Tensor weight = TensorProtos.read(w, baseDir, where);
            if (!weight.dtype().isFloatingPoint() || weight.rank() < 3) {
                continue;
            }
            double eps = epsilon(bn);
            Tensor gamma = TensorProtos.read(bnParams.get(0), baseDir, where).to(DType.FLOAT64);
            Tensor beta = TensorProtos.read(bnParams.get(1), baseDir, where).to(DType.FLOAT64);
            Tensor mean = TensorProtos.read(bnParams.get(2), baseDir, where).to(DType.FLOAT64);
            Tensor var = TensorProtos.read(bnParams.get(3), baseDir, where).to(DType.FLOAT64);
            int outChannels = weight.dim(0);
            if (gamma.size() != outChannels || beta.size() != outChannels || mean.size() != outChannels
                    || var.size() != outChannels) {
                continue;
            }
            Tensor s = gamma.div(var.add(eps).sqrt());
            int[] perChannel = new int[weight.rank()];
            java.util.Arrays.fill(perChannel, 1);
            perChannel[0] = outChannels;
            Tensor folded = weight.to(DType.FLOAT64).mul(s.reshape(perChannel)).to(weight.dtype());
            Tensor bias = hasBias ? TensorProtos.read(b, baseDir, where).to(DType.FLOAT64)
                    : Tensor.zeros(DType.FLOAT64, outChannels);
            Tensor foldedBias = bias.sub(mean).mul(s).add(beta).to(weight.dtype());
            String base = bn.getOutput(0);
            added.add(TensorProtos.write(folded, base + ".folded_weight"));
            added.add(TensorProtos.write(foldedBias, base + ".folded_bias"));
            NodeProto.Builder c = conv.toBuilder().clearInput().clearOutput()
                    .addInput(conv.getInput(0)).addInput(base + ".folded_weight").addInput(base + ".folded_bias")
                    .addOutput(base);
            replaced.put(conv, c.build());
            removed.add(bn);
        }
        if (removed.isEmpty()) {
            return g;
        }
        GraphProto.Builder out = g.toBuilder().clearNode();
        for (NodeProto n : g.getNodeList()) {
            if (!removed.contains(n)) {
                out.addNode(replaced.getOrDefault(n, n));
            }
        }
        out.addAllInitializer(added);
        // Initializers no node reads any more (the original weights and BatchNormalization vectors) are dropped.
        Map<String, Integer> left = new HashMap<>();
        countReaders(out.build(), left);
        for (ValueInfoProto o : g.getOutputList()) {
            left.merge(o.getName(), 1, Integer::sum);
        }
        List<TensorProto> kept = out.getInitializerList().stream().filter(t -> left.containsKey(t.getName())).toList();
        Set<String> keptNames = new HashSet<>();
        kept.forEach(t -> keptNames.add(t.getName()));
        out.clearInitializer().addAllInitializer(kept);
        List<ValueInfoProto> inputs = out.getInputList().stream()
                .filter(v -> keptNames.contains(v.getName()) || !initializers.containsKey(v.getName())).toList();
        out.clearInput().addAllInput(inputs);
        return out.build();
    }

    private static boolean isDefaultDomain(NodeProto n) {
        return n.getDomain().isEmpty() || n.getDomain().equals("ai.onnx");
    }

    /** Inference mode, one wanted output, and (before opset 7) the per-channel "spatial" form. */
    private static boolean inferenceMode(NodeProto bn, int opset) {
        for (int i = 1; i < bn.getOutputCount(); i++) {
            if (!bn.getOutput(i).isEmpty()) {
                return false;
            }
        }
        for (AttributeProto a : bn.getAttributeList()) {
            if ((a.getName().equals("training_mode") && opset >= 14 && a.getI() != 0)
                    || (a.getName().equals("spatial") && a.getI() == 0) || a.getName().equals("is_test") && a.getI() == 0) {
                return false;
            }
        }
        return true;
    }

    private static double epsilon(NodeProto bn) {
        for (AttributeProto a : bn.getAttributeList()) {
            if (a.getName().equals("epsilon")) {
                return a.getF();
            }
        }
        return 1e-5;
    }

    /** How many node inputs (subgraphs included, which may read outer names) read each name. */
    private static void countReaders(GraphProto g, Map<String, Integer> readers) {
        for (NodeProto n : g.getNodeList()) {
            for (String i : n.getInputList()) {
                if (!i.isEmpty()) {
                    readers.merge(i, 1, Integer::sum);
                }
            }
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    countReaders(a.getG(), readers);
                }
                for (GraphProto sub : a.getGraphsList()) {
                    countReaders(sub, readers);
                }
            }
        }
    }
}
