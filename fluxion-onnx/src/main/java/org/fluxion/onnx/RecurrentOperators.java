package org.fluxion.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.fluxion.tensor.Tensor;

/**
 * ONNX's RNN, GRU and LSTM operators (every direction, both layouts, named activations with their alpha and
 * beta, clip, GRU's linear_before_reset, LSTM's peepholes and input_forget), unrolled over the sequence,
 * whose length is a shape. Weights are [directions, gates * H, I] with ONNX's gate orders (LSTM i o f c,
 * GRU z r h).
 */
final class RecurrentOperators {
    private RecurrentOperators() {
    }

    private enum Kind {
        RNN(1), GRU(3), LSTM(4);

        final int gates;

        Kind(int gates) {
            this.gates = gates;
        }
    }

    static void register(Map<String, Lowering> t) {
        t.put("RNN", (n, in) -> run(n, in, Kind.RNN));
        t.put("GRU", (n, in) -> run(n, in, Kind.GRU));
        t.put("LSTM", (n, in) -> run(n, in, Kind.LSTM));
    }

    private static Tensor input(Tensor[] in, int i) {
        return i < in.length ? in[i] : null;
    }

    private static Tensor[] run(Node n, Tensor[] in, Kind kind) {
        boolean batchFirst = n.i("layout", 0) != 0;
        Tensor x = batchFirst ? in[0].transpose(0, 1) : in[0];   // [seq, batch, input]
        Tensor w = in[1];
        Tensor r = in[2];
        Tensor b = input(in, 3);
        Tensor lens = input(in, 4);
        Tensor h0 = input(in, 5);
        Tensor c0 = kind == Kind.LSTM ? input(in, 6) : null;
        Tensor peep = kind == Kind.LSTM ? input(in, 7) : null;
        int seq = x.dim(0);
        int batch = x.dim(1);
        int hidden = (int) n.i("hidden_size", r.dim(2));
        if (lens != null && lens.size() > 0) {
            for (long l : Values.longs(n, lens, "sequence_lens")) {
                if (l != seq) {
                    throw new UnsupportedModelException(n.describe(), List.of(n.opType()
                            + " with sequence_lens shorter than the sequence"));
                }
            }
        }
        if (batchFirst && h0 != null) h0 = h0.transpose(0, 1);
        if (batchFirst && c0 != null) c0 = c0.transpose(0, 1);
        String direction = n.s("direction", "forward");
        int dirs = direction.equals("bidirectional") ? 2 : 1;
        List<UnaryOperator<Tensor>> acts = activations(n, kind, dirs);
        double clip = n.f("clip", 0);
        List<Tensor> ys = new ArrayList<>();
        List<Tensor> hs = new ArrayList<>();
        List<Tensor> cs = new ArrayList<>();
        for (int d = 0; d < dirs; d++) {
            boolean reverse = direction.equals("reverse") || d == 1;
            int per = kind.gates;
            List<UnaryOperator<Tensor>> f = acts.subList(d * activationCount(kind), (d + 1) * activationCount(kind));
            Tensor wd = w.select(0, d).transpose();       // [I, gates H]
            Tensor rd = r.select(0, d).transpose();       // [H, gates H]
            Tensor wb = b == null ? null : b.select(0, d).slice(0, 0, per * hidden);
            Tensor rb = b == null ? null : b.select(0, d).slice(0, per * hidden, 2 * per * hidden);
            Tensor h = h0 == null ? Tensor.zeros(x.dtype(), batch, hidden) : h0.select(0, d);
            Tensor c = c0 == null ? Tensor.zeros(x.dtype(), batch, hidden) : c0.select(0, d);
            Tensor pd = peep == null ? null : peep.select(0, d);
            // The input projections of all steps at once: [seq, batch, gates H].
            Tensor xw = x.matmul(wd);
            if (wb != null) xw = xw.add(wb);
            Tensor[] outs = new Tensor[seq];
            for (int s = 0; s < seq; s++) {
                int t = reverse ? seq - 1 - s : s;
                Tensor xt = xw.select(0, t);
                switch (kind) {
                    case RNN -> {
                        Tensor pre = xt.add(h.matmul(rd));
                        if (rb != null) pre = pre.add(rb);
                        h = f.get(0).apply(clip(pre, clip));
                    }
                    case GRU -> {
                        Tensor hr = h.matmul(rd.slice(1, 0, 2 * hidden));
                        Tensor zr = xt.slice(1, 0, 2 * hidden).add(hr);
                        if (rb != null) zr = zr.add(rb.slice(0, 0, 2 * hidden));
                        zr = f.get(0).apply(clip(zr, clip));
                        Tensor z = zr.slice(1, 0, hidden);
                        Tensor rg = zr.slice(1, hidden, 2 * hidden);
                        Tensor rh = rd.slice(1, 2 * hidden, 3 * hidden);
                        Tensor rbh = rb == null ? null : rb.slice(0, 2 * hidden, 3 * hidden);
                        Tensor cand;
                        if (n.i("linear_before_reset", 0) != 0) {
                            Tensor hh = h.matmul(rh);
                            if (rbh != null) hh = hh.add(rbh);
                            cand = xt.slice(1, 2 * hidden, 3 * hidden).add(rg.mul(hh));
                        } else {
                            cand = xt.slice(1, 2 * hidden, 3 * hidden).add(rg.mul(h).matmul(rh));
                            if (rbh != null) cand = cand.add(rbh);
                        }
                        Tensor hc = f.get(1).apply(clip(cand, clip));
                        h = z.neg().add(1).mul(hc).add(z.mul(h));
                    }
                    case LSTM -> {
                        Tensor pre = xt.add(h.matmul(rd));
                        if (rb != null) pre = pre.add(rb);
                        Tensor gi = pre.slice(1, 0, hidden);
                        Tensor go = pre.slice(1, hidden, 2 * hidden);
                        Tensor gf = pre.slice(1, 2 * hidden, 3 * hidden);
                        Tensor gc = pre.slice(1, 3 * hidden, 4 * hidden);
                        if (pd != null) {
                            gi = gi.add(pd.slice(0, 0, hidden).mul(c));
                            gf = gf.add(pd.slice(0, 2 * hidden, 3 * hidden).mul(c));
                        }
                        Tensor i = f.get(0).apply(clip(gi, clip));
                        Tensor fg = n.i("input_forget", 0) != 0 ? i.neg().add(1) : f.get(0).apply(clip(gf, clip));
                        Tensor cc = f.get(1).apply(clip(gc, clip));
                        c = fg.mul(c).add(i.mul(cc));
                        if (pd != null) {
                            go = go.add(pd.slice(0, hidden, 2 * hidden).mul(c));
                        }
                        Tensor o = f.get(0).apply(clip(go, clip));
                        h = o.mul(f.get(2).apply(c));
                    }
                }
                outs[t] = h;
            }
            ys.add(Tensor.stack(0, java.util.Arrays.asList(outs)));   // [seq, batch, H]
            hs.add(h);
            cs.add(c);
        }
        Tensor y = Tensor.stack(1, ys);      // [seq, dirs, batch, H]
        Tensor yh = Tensor.stack(0, hs);     // [dirs, batch, H]
        Tensor yc = Tensor.stack(0, cs);
        if (batchFirst) {
            y = y.permute(2, 0, 1, 3);       // [batch, seq, dirs, H]
            yh = yh.transpose(0, 1);
            yc = yc.transpose(0, 1);
        }
        return new Tensor[] {y, yh, yc};
    }

    private static Tensor clip(Tensor x, double clip) {
        return clip > 0 ? x.clamp(-clip, clip) : x;
    }

    private static int activationCount(Kind kind) {
        return switch (kind) {
            case RNN -> 1;
            case GRU -> 2;
            case LSTM -> 3;
        };
    }

    /** The activations per direction, by name, taking alpha/beta in order from the attributes' lists. */
    private static List<UnaryOperator<Tensor>> activations(Node n, Kind kind, int dirs) {
        int per = activationCount(kind);
        List<String> defaults = switch (kind) {
            case RNN -> List.of("Tanh");
            case GRU -> List.of("Sigmoid", "Tanh");
            case LSTM -> List.of("Sigmoid", "Tanh", "Tanh");
        };
        List<String> names = n.strings("activations", null);
        if (names == null) {
            names = new ArrayList<>();
            for (int d = 0; d < dirs; d++) names.addAll(defaults);
        } else if (names.size() == per && dirs == 2) {
            List<String> both = new ArrayList<>(names);
            both.addAll(names);
            names = both;
        }
        float[] alphas = n.floats("activation_alpha", new float[0]);
        float[] betas = n.floats("activation_beta", new float[0]);
        int[] ai = {0};
        int[] bi = {0};
        List<UnaryOperator<Tensor>> out = new ArrayList<>();
        for (String name : names) {
            out.add(activation(n, name, alphas, betas, ai, bi));
        }
        return out;
    }

    private static UnaryOperator<Tensor> activation(Node n, String name, float[] alphas, float[] betas, int[] ai,
                                                    int[] bi) {
        java.util.function.DoubleSupplier alpha = () -> ai[0] < alphas.length ? alphas[ai[0]++] : Double.NaN;
        java.util.function.DoubleSupplier beta = () -> bi[0] < betas.length ? betas[bi[0]++] : Double.NaN;
        return switch (name.toLowerCase(java.util.Locale.ROOT)) {
            case "relu" -> Tensor::relu;
            case "tanh" -> Tensor::tanh;
            case "sigmoid" -> Tensor::sigmoid;
            case "softsign" -> x -> x.div(x.abs().add(1));
            case "softplus" -> ElementwiseOperators::softplus;
            case "affine" -> {
                double a = alpha.getAsDouble();
                double b = beta.getAsDouble();
                yield x -> x.mul(a).add(b);
            }
            case "leakyrelu" -> {
                double a = or(alpha.getAsDouble(), 0.01);
                yield x -> Tensor.where(x.lt(0), x.mul(a), x);
            }
            case "thresholdedrelu" -> {
                double a = or(alpha.getAsDouble(), 1);
                yield x -> Tensor.where(x.gt(a), x, x.mul(0));
            }
            case "scaledtanh" -> {
                double a = alpha.getAsDouble();
                double b = beta.getAsDouble();
                yield x -> x.mul(b).tanh().mul(a);
            }
            case "hardsigmoid" -> {
                double a = or(alpha.getAsDouble(), 0.2);
                double b = or(beta.getAsDouble(), 0.5);
                yield x -> x.mul(a).add(b).clamp(0, 1);
            }
            case "elu" -> {
                double a = or(alpha.getAsDouble(), 1);
                yield x -> Tensor.where(x.gt(0), x, x.minimum(0).expm1().mul(a));
            }
            default -> throw new UnsupportedModelException(n.describe(), List.of(n.opType() + " activation " + name));
        };
    }

    private static double or(double v, double fallback) {
        return Double.isNaN(v) ? fallback : v;
    }
}
