package org.fluxion.onnx;

import static org.fluxion.onnx.Values.one;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Scatter and N-dimensional gather, OneHot, Compress, NonZero and the window functions. Scatters are built on
 * Fluxion's scatter-add (differentiable in data and updates); the replacing form writes where a scattered
 * mask is set. Compress and NonZero have data-dependent shapes, so their conditions must be concrete.
 */
final class IndexOperators {
    private IndexOperators() {
    }

    static void register(Map<String, Lowering> t) {
        t.put("ScatterElements", (n, in) -> one(scatterElements(n, in[0], in[1], in[2])));
        t.put("Scatter", (n, in) -> one(scatterElements(n, in[0], in[1], in[2])));
        t.put("ScatterND", (n, in) -> one(scatterNd(n, in[0], in[1], in[2])));
        t.put("GatherND", (n, in) -> one(gatherNd(n, in[0], in[1], n.int32("batch_dims", 0))));
        t.put("OneHot", (n, in) -> {
            Tensor indices = in[0].to(DType.INT64);
            int depth = (int) Values.scalar(n, in[1], "depth");
            Tensor values = in[2];
            int axis = Values.axis(n, n.i("axis", -1), indices.rank() + 1);
            Tensor wrapped = Tensor.where(indices.lt(0), indices.add(depth), indices);
            int[] view = new int[indices.rank() + 1];
            Arrays.fill(view, 1);
            view[axis] = depth;
            Tensor hot = Tensor.arange(depth).reshape(view).eq(wrapped.unsqueeze(axis));
            return one(Tensor.where(hot, values.slice(0, 1, 2).reshape(), values.slice(0, 0, 1).reshape()));
        });
        t.put("Compress", (n, in) -> {
            Tensor x = in[0];
            boolean[] keep = concreteBools(n, in[1]);
            Integer axis = n.has("axis") ? Values.axis(n, n.i("axis", 0), x.rank()) : null;
            if (axis == null) {
                x = x.reshape(x.size());
                axis = 0;
            }
            List<Long> idx = new ArrayList<>();
            for (int i = 0; i < Math.min(keep.length, x.dim(axis)); i++) if (keep[i]) idx.add((long) i);
            long[] a = idx.stream().mapToLong(Long::longValue).toArray();
            return one(x.indexSelect(axis, Tensor.of(a, a.length)));
        });
        t.put("NonZero", (n, in) -> {
            Tensor x = in[0];
            boolean[] nz = concreteBools(n, x.ne(0));
            int count = 0;
            for (boolean b : nz) if (b) count++;
            int r = x.rank();
            long[] out = new long[r * count];
            int[] dims = x.dims();
            int k = 0;
            for (int flat = 0; flat < nz.length; flat++) {
                if (!nz[flat]) continue;
                int rest = flat;
                for (int a = r - 1; a >= 0; a--) {
                    out[a * count + k] = rest % dims[a];
                    rest /= dims[a];
                }
                k++;
            }
            return one(Tensor.of(out, r, count));
        });
        t.put("HannWindow", (n, in) -> one(window(n, in[0], new double[] {0.5, 0.5, 0})));
        t.put("HammingWindow", (n, in) -> one(window(n, in[0], new double[] {25.0 / 46, 21.0 / 46, 0})));
        t.put("BlackmanWindow", (n, in) -> one(window(n, in[0], new double[] {0.42, 0.5, 0.08})));
        t.put("MeanVarianceNormalization", (n, in) -> {
            Tensor x = in[0];
            int[] axes = Values.axes(n, n.ints("axes", new int[] {0, 2, 3}), x.rank());
            Tensor mean = x.mean(axes, true);
            Tensor var = x.square().mean(axes, true).sub(mean.square());
            return one(x.sub(mean).div(var.sqrt().add(1e-9)));
        });
    }

    private static boolean[] concreteBools(Node n, Tensor t) {
        try {
            return t.to(DType.BOOL).toBooleanArray();
        } catch (org.fluxion.tensor.ConcretizationException e) {
            throw n.error("the output's shape depends on this input's values, which must be concrete (not traced)");
        }
    }

    /** a0 - a1 cos(2 pi k / N) + a2 cos(4 pi k / N), N = size (periodic) or size - 1 (symmetric). */
    private static Tensor window(Node n, Tensor sizeT, double[] a) {
        int size = (int) Values.scalar(n, sizeT, "size");
        double period = n.i("periodic", 1) != 0 ? size : size - 1;
        double[] w = new double[size];
        for (int k = 0; k < size; k++) {
            double phase = 2 * Math.PI * k / period;
            w[k] = a[0] - a[1] * Math.cos(phase) + a[2] * Math.cos(2 * phase);
        }
        DType d = ElementType.dtype((int) n.i("output_datatype", ElementType.FLOAT));
        if (d == null) {
            throw new UnsupportedModelException(n.describe(), List.of(n.opType() + " output_datatype "
                    + ElementType.name((int) n.i("output_datatype", 0))));
        }
        return Tensor.of(w, size).to(d);
    }

    private static Tensor scatterElements(Node n, Tensor data, Tensor indices, Tensor updates) {
        int axis = Values.axis(n, n.i("axis", 0), data.rank());
        Tensor idx = ShapeOperators.wrapIndex(indices, data.dim(axis)).to(DType.INT64);
        String reduction = n.s("reduction", "none");
        return switch (reduction) {
            case "add" -> data.scatterAdd(axis, idx, updates);
            case "none" -> {
                Tensor zeros = data.mul(0).detach();
                Tensor hit = zeros.scatterAdd(axis, idx, updates.mul(0).add(1).detach()).gt(0);
                yield Tensor.where(hit, zeros.scatterAdd(axis, idx, updates), data);
            }
            default -> throw new UnsupportedModelException(n.describe(), List.of(n.opType() + " reduction " + reduction));
        };
    }

    /** The row-major linear index over the first k axes of {@code dims}, from indices [..., k]. */
    private static Tensor linearIndex(Tensor indices, int[] dims, int from) {
        int k = indices.dim(-1);
        long[] strides = new long[k];
        long s = 1;
        for (int j = k - 1; j >= 0; j--) {
            strides[j] = s;
            s *= dims[from + j];
        }
        long[] sizes = new long[k];
        for (int j = 0; j < k; j++) sizes[j] = dims[from + j];
        Tensor idx = indices.to(DType.INT64);
        Tensor bound = Tensor.of(sizes, k);
        idx = Tensor.where(idx.lt(0), idx.add(bound), idx);
        return idx.mul(Tensor.of(strides, k)).sum(new int[] {idx.rank() - 1}, false);
    }

    private static Tensor scatterNd(Node n, Tensor data, Tensor indices, Tensor updates) {
        int k = indices.dim(-1);
        int[] d = data.dims();
        int[] rest = Arrays.copyOfRange(d, k, d.length);
        int count = indices.size() / Math.max(k, 1);
        int[] flatDims = new int[1 + rest.length];
        flatDims[0] = Values.product(d, 0, k);
        System.arraycopy(rest, 0, flatDims, 1, rest.length);
        int[] updDims = new int[1 + rest.length];
        updDims[0] = count;
        System.arraycopy(rest, 0, updDims, 1, rest.length);
        int[] view = new int[1 + rest.length];
        Arrays.fill(view, 1);
        view[0] = count;
        Tensor lin = linearIndex(indices, d, 0).reshape(view).expand(updDims);
        Tensor flat = data.reshape(flatDims);
        Tensor upd = updates.reshape(updDims);
        String reduction = n.s("reduction", "none");
        Tensor y = switch (reduction) {
            case "add" -> flat.scatterAdd(0, lin, upd);
            case "none" -> {
                Tensor zeros = flat.mul(0).detach();
                Tensor hit = zeros.scatterAdd(0, lin, upd.mul(0).add(1).detach()).gt(0);
                yield Tensor.where(hit, zeros.scatterAdd(0, lin, upd), flat);
            }
            default -> throw new UnsupportedModelException(n.describe(), List.of("ScatterND reduction " + reduction));
        };
        return y.reshape(d);
    }

    /** data[b.., indices[b.., i.., :], rest..] with the first batch_dims axes shared. */
    private static Tensor gatherNd(Node n, Tensor data, Tensor indices, int batchDims) {
        int k = indices.dim(-1);
        int[] d = data.dims();
        int batch = Values.product(d, 0, batchDims);
        int block = Values.product(d, batchDims, batchDims + k);
        int[] rest = Arrays.copyOfRange(d, batchDims + k, d.length);
        int[] flatDims = new int[1 + rest.length];
        flatDims[0] = batch * block;
        System.arraycopy(rest, 0, flatDims, 1, rest.length);
        Tensor lin = linearIndex(indices, d, batchDims).reshape(batch, -1);
        if (batchDims > 0) {
            lin = lin.add(Tensor.arange(batch).reshape(batch, 1).mul(block));
        }
        Tensor picked = data.reshape(flatDims).indexSelect(0, lin.reshape(lin.size()));
        int[] outDims = new int[indices.rank() - 1 + rest.length];
        System.arraycopy(indices.dims(), 0, outDims, 0, indices.rank() - 1);
        System.arraycopy(rest, 0, outDims, indices.rank() - 1, rest.length);
        return picked.reshape(outDims);
    }
}
