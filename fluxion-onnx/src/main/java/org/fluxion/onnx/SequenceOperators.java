package org.fluxion.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * The sequence operators (opset 11+): SequenceEmpty, SequenceConstruct, SequenceInsert, SequenceAt,
 * SequenceErase, SequenceLength, ConcatFromSequence, SplitToSequence. A sequence is an immutable
 * {@code List<Tensor>}; positions are INT64 scalars, negative ones counting from the end. The tensors pass
 * through unchanged, so gradients, {@code jit} and {@code vmap} see only the tensor operations (split,
 * concatenate) around them.
 */
final class SequenceOperators {
    private SequenceOperators() {
    }

    static void register(Map<String, Lowering> t) {
        t.put("SequenceEmpty", (SequenceLowering) (n, in) -> new Object[] {List.of()});
        t.put("SequenceConstruct", (SequenceLowering) (n, in) -> {
            List<Tensor> items = new ArrayList<>();
            for (int i = 0; i < in.length; i++) {
                items.add(tensor(n, in, i));
            }
            return new Object[] {List.copyOf(items)};
        });
        t.put("SequenceInsert", (SequenceLowering) (n, in) -> {
            List<Tensor> items = new ArrayList<>(sequence(n, in, 0));
            int at = in.length > 2 && in[2] != null ? position(n, tensor(n, in, 2), items.size(), true) : items.size();
            items.add(at, tensor(n, in, 1));
            return new Object[] {List.copyOf(items)};
        });
        t.put("SequenceAt", (SequenceLowering) (n, in) -> {
            List<Tensor> items = sequence(n, in, 0);
            return new Object[] {items.get(position(n, tensor(n, in, 1), items.size(), false))};
        });
        t.put("SequenceErase", (SequenceLowering) (n, in) -> {
            List<Tensor> items = new ArrayList<>(sequence(n, in, 0));
            if (items.isEmpty()) {
                throw n.error("cannot erase from an empty sequence");
            }
            int at = in.length > 1 && in[1] != null ? position(n, tensor(n, in, 1), items.size(), false) : items.size() - 1;
            items.remove(at);
            return new Object[] {List.copyOf(items)};
        });
        t.put("SequenceLength", (SequenceLowering) (n, in) ->
                new Object[] {Tensor.scalar(sequence(n, in, 0).size(), DType.INT64)});
        t.put("ConcatFromSequence", (SequenceLowering) SequenceOperators::concatFromSequence);
        t.put("SplitToSequence", (SequenceLowering) SequenceOperators::splitToSequence);
    }

    /** Concatenates along {@code axis}, or stacks along a new axis when {@code new_axis = 1}. */
    private static Object[] concatFromSequence(Node n, Object[] in) {
        List<Tensor> items = sequence(n, in, 0);
        if (items.isEmpty()) {
            throw n.error("cannot concatenate an empty sequence");
        }
        int rank = items.get(0).rank();
        if (n.i("new_axis", 0) == 1) {
            return new Object[] {Tensor.stack(Values.axis(n, n.i("axis", 0), rank + 1), items)};
        }
        return new Object[] {Tensor.concat(Values.axis(n, n.i("axis", 0), rank), items)};
    }

    /**
     * Splits along {@code axis}: into pieces of one (squeezed unless {@code keepdims = 1}) without a split
     * input, into pieces of that length (the last one shorter) for a scalar, or into the listed lengths.
     */
    private static Object[] splitToSequence(Node n, Object[] in) {
        Tensor x = tensor(n, in, 0);
        int axis = Values.axis(n, n.i("axis", 0), x.rank());
        int d = x.dim(axis);
        Tensor split = in.length > 1 ? (Tensor) in[1] : null;
        int[] sizes;
        if (split == null) {
            sizes = new int[d];
            java.util.Arrays.fill(sizes, 1);
        } else if (split.rank() == 0) {
            int chunk = Values.ints(n, split, "split")[0];
            if (chunk <= 0) {
                throw n.error("split length " + chunk + " must be positive");
            }
            sizes = new int[(d + chunk - 1) / chunk];
            for (int i = 0; i < sizes.length; i++) {
                sizes[i] = Math.min(chunk, d - i * chunk);
            }
        } else {
            sizes = Values.ints(n, split, "split");
        }
        List<Tensor> pieces = x.split(axis, sizes);
        if (split == null && n.i("keepdims", 1) == 0) {
            pieces = pieces.stream().map(p -> p.squeeze(axis)).toList();
        }
        return new Object[] {List.copyOf(pieces)};
    }

    /** A position in {@code [-size, size)} ({@code [-size, size]} when inserting), made non-negative. */
    private static int position(Node n, Tensor pos, int size, boolean inserting) {
        long p = Values.longs(n, pos, "position")[0];
        long limit = inserting ? size : size - 1;
        if (p < -size || p > limit) {
            throw n.error("position " + p + " is out of range for a sequence of " + size);
        }
        return (int) (p < 0 ? p + size : p);
    }

    @SuppressWarnings("unchecked")
    private static List<Tensor> sequence(Node n, Object[] in, int i) {
        if (i >= in.length || !(in[i] instanceof List<?> l)) {
            throw n.error("input " + i + " must be a sequence");
        }
        return (List<Tensor>) l;
    }

    private static Tensor tensor(Node n, Object[] in, int i) {
        if (i >= in.length || !(in[i] instanceof Tensor t)) {
            throw n.error("input " + i + " must be a tensor");
        }
        return t;
    }
}
