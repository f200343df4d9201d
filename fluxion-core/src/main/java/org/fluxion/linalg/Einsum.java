package org.fluxion.linalg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fluxion.ops.MatrixParts;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Einstein summation lowered to tensor operations: each operand first takes its diagonals (a label repeated
 * within it) and sums out the labels no one else needs; then the operands are contracted two at a time, in
 * the order of fewest multiply-adds (exhaustive search over contraction trees for up to {@value #EXHAUSTIVE}
 * operands, greedy beyond), each contraction a batched matmul {@code [B, M, K] @ [B, K, N]} after a permute
 * and reshape. Everything is built from differentiable, traceable, batchable operations.
 */
final class Einsum {
    /** Up to this many operands the contraction order is optimal (3^n subsets); greedy beyond. */
    static final int EXHAUSTIVE = 8;

    private Einsum() {
    }

    /**
     * The contraction order chosen: {@code steps[k] = {left, right}} names two of the operands or earlier
     * results (result of step k is number {@code operands + k}), and the multiply-adds the order costs.
     */
    record Plan(int[][] steps, long flops) {
    }

    static Tensor einsum(String subscripts, Tensor... operands) {
        if (operands.length == 0) {
            throw new IllegalArgumentException("einsum: no operands for '" + subscripts + "'");
        }
        DType dtype = operands[0].dtype();
        for (Tensor t : operands) {
            Linalg.floating("einsum", t);
            dtype = DType.promote(dtype, t.dtype());
        }
        int[] ranks = Arrays.stream(operands).mapToInt(Tensor::rank).toArray();
        EinsumSubscripts sub = EinsumSubscripts.parse(subscripts, ranks);
        Map<Integer, Integer> sizes = sizes(subscripts, sub, operands);
        List<Term> terms = new ArrayList<>();
        for (int i = 0; i < operands.length; i++) {
            Term t = new Term(operands[i].to(dtype), sub.inputs()[i]).broadcast(sizes).diagonals();
            terms.add(t.sumOut(neededOutside(sub, i)));
        }
        Plan plan = plan(terms.stream().map(t -> t.labels).toList(), sub.output(), sizes);
        for (int[] step : plan.steps()) {
            Term a = terms.get(step[0]);
            Term b = terms.get(step[1]);
            terms.set(step[0], null);
            terms.set(step[1], null);
            Set<Integer> keep = new LinkedHashSet<>();
            for (int l : sub.output()) {
                keep.add(l);
            }
            for (Term t : terms) {
                if (t != null) {
                    for (int l : t.labels) {
                        keep.add(l);
                    }
                }
            }
            terms.add(contract(a, b, keep, sizes));
        }
        Term result = terms.getLast().sumOut(labelSet(sub.output()));
        return result.permuteTo(sub.output());
    }

    /** The size of each label, checked to agree among operands (size 1 broadcasts for ellipsis axes). */
    private static Map<Integer, Integer> sizes(String subscripts, EinsumSubscripts sub, Tensor[] operands) {
        Map<Integer, Integer> sizes = new HashMap<>();
        Map<Integer, Integer> where = new HashMap<>();
        for (int i = 0; i < operands.length; i++) {
            int[] labels = sub.inputs()[i];
            for (int a = 0; a < labels.length; a++) {
                int size = operands[i].dim(a);
                Integer old = sizes.get(labels[a]);
                if (old == null || (labels[a] < 0 && old == 1)) {
                    sizes.put(labels[a], size);
                    where.put(labels[a], i);
                } else if (old != size && !(labels[a] < 0 && size == 1)) {
                    int j = where.get(labels[a]);
                    throw new IllegalArgumentException("einsum: label '" + EinsumSubscripts.name(labels[a]) + "' of '"
                            + subscripts + "' has size " + old + " in operand " + j + " " + operands[j].shape()
                            + " but size " + size + " in operand " + i + " " + operands[i].shape());
                }
            }
        }
        return sizes;
    }

    /** The labels that operands other than {@code i}, or the output, use. */
    private static Set<Integer> neededOutside(EinsumSubscripts sub, int i) {
        Set<Integer> s = labelSet(sub.output());
        for (int j = 0; j < sub.inputs().length; j++) {
            if (j != i) {
                s.addAll(labelSet(sub.inputs()[j]));
            }
        }
        return s;
    }

    private static Set<Integer> labelSet(int[] labels) {
        Set<Integer> s = new LinkedHashSet<>();
        for (int l : labels) {
            s.add(l);
        }
        return s;
    }

    /**
     * The cheapest order of pairwise contractions of operands with these labels. The cost of contracting two
     * intermediates is the product of the sizes of all their labels (one multiply-add per point of the joint
     * index space); an intermediate keeps the labels that the output or an operand outside it needs.
     */
    static Plan plan(List<int[]> labels, int[] output, Map<Integer, Integer> sizes) {
        int n = labels.size();
        if (n == 1) {
            return new Plan(new int[0][], 0);
        }
        return n <= EXHAUSTIVE ? exhaustive(labels, output, sizes) : greedy(labels, output, sizes);
    }

    private static Set<Integer> kept(int mask, List<int[]> labels, int[] output) {
        Set<Integer> inside = new LinkedHashSet<>();
        Set<Integer> outside = labelSet(output);
        for (int i = 0; i < labels.size(); i++) {
            (((mask >> i) & 1) != 0 ? inside : outside).addAll(labelSet(labels.get(i)));
        }
        inside.retainAll(outside);
        return inside;
    }

    private static long volume(Set<Integer> a, Set<Integer> b, Map<Integer, Integer> sizes) {
        Set<Integer> all = new LinkedHashSet<>(a);
        all.addAll(b);
        long v = 1;
        for (int l : all) {
            int size = sizes.get(l);
            v = size != 0 && v > Long.MAX_VALUE / size ? Long.MAX_VALUE : v * size;
        }
        return v;
    }

    /** Dynamic programming over subsets: {@code cost(S) = min over splits A, B of cost(A) + cost(B) + volume}. */
    private static Plan exhaustive(List<int[]> labels, int[] output, Map<Integer, Integer> sizes) {
        int n = labels.size();
        int full = (1 << n) - 1;
        long[] cost = new long[full + 1];
        int[] split = new int[full + 1];
        List<Set<Integer>> keep = new ArrayList<>();
        for (int mask = 0; mask <= full; mask++) {
            keep.add(kept(mask, labels, output));
        }
        for (int mask = 1; mask <= full; mask++) {
            if (Integer.bitCount(mask) == 1) {
                continue;
            }
            cost[mask] = Long.MAX_VALUE;
            int low = mask & -mask;
            // Each split once: the part holding the lowest operand is a.
            for (int a = (mask - 1) & mask; a > 0; a = (a - 1) & mask) {
                if ((a & low) == 0) {
                    continue;
                }
                int b = mask & ~a;
                long c = saturatedAdd(saturatedAdd(cost[a], cost[b]), volume(keep.get(a), keep.get(b), sizes));
                if (c < cost[mask]) {
                    cost[mask] = c;
                    split[mask] = a;
                }
            }
        }
        List<int[]> steps = new ArrayList<>();
        emit(full, split, n, steps, new HashMap<>());
        return new Plan(steps.toArray(int[][]::new), cost[full]);
    }

    /** Appends the steps of subset {@code mask} after those of its parts; returns the index of its result. */
    private static int emit(int mask, int[] split, int n, List<int[]> steps, Map<Integer, Integer> done) {
        if (Integer.bitCount(mask) == 1) {
            return Integer.numberOfTrailingZeros(mask);
        }
        int a = emit(split[mask], split, n, steps, done);
        int b = emit(mask & ~split[mask], split, n, steps, done);
        steps.add(new int[] {a, b});
        return n + steps.size() - 1;
    }

    /** Repeatedly contracts the pair whose contraction costs least. */
    private static Plan greedy(List<int[]> labels, int[] output, Map<Integer, Integer> sizes) {
        List<int[]> current = new ArrayList<>(labels);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            ids.add(i);
        }
        List<int[]> steps = new ArrayList<>();
        long total = 0;
        int next = labels.size();
        while (current.size() > 1) {
            long best = Long.MAX_VALUE;
            int bi = 0;
            int bj = 1;
            for (int i = 0; i < current.size(); i++) {
                for (int j = i + 1; j < current.size(); j++) {
                    long v = volume(labelSet(current.get(i)), labelSet(current.get(j)), sizes);
                    if (v < best) {
                        best = v;
                        bi = i;
                        bj = j;
                    }
                }
            }
            int mask = (1 << bi) | (1 << bj);
            Set<Integer> keep = kept(mask, current, output);
            steps.add(new int[] {ids.get(bi), ids.get(bj)});
            total = saturatedAdd(total, best);
            current.remove(bj);
            current.remove(bi);
            ids.remove(bj);
            ids.remove(bi);
            current.add(keep.stream().mapToInt(Integer::intValue).toArray());
            ids.add(next++);
        }
        return new Plan(steps.toArray(int[][]::new), total);
    }

    private static long saturatedAdd(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }

    /**
     * {@code a} and {@code b} contracted over their shared labels that {@code keep} does not hold, as one
     * batched matmul: shared kept labels are the batch, a's own labels the rows, b's own the columns.
     */
    private static Term contract(Term a, Term b, Set<Integer> keep, Map<Integer, Integer> sizes) {
        a = a.sumOut(union(keep, b.labels));
        b = b.sumOut(union(keep, a.labels));
        List<Integer> batch = new ArrayList<>();
        List<Integer> rows = new ArrayList<>();
        List<Integer> inner = new ArrayList<>();
        List<Integer> cols = new ArrayList<>();
        Set<Integer> bl = labelSet(b.labels);
        for (int l : a.labels) {
            if (bl.contains(l)) {
                (keep.contains(l) ? batch : inner).add(l);
            } else {
                rows.add(l);
            }
        }
        Set<Integer> al = labelSet(a.labels);
        for (int l : b.labels) {
            if (!al.contains(l)) {
                cols.add(l);
            }
        }
        Tensor x = a.permuteTo(concat(batch, rows, inner)).reshape(product(batch, sizes), product(rows, sizes),
                product(inner, sizes));
        Tensor y = b.permuteTo(concat(batch, inner, cols)).reshape(product(batch, sizes), product(inner, sizes),
                product(cols, sizes));
        List<Integer> resultLabels = concat(batch, rows, cols);
        int[] dims = resultLabels.stream().mapToInt(sizes::get).toArray();
        return new Term(x.matmul(y).reshape(dims), resultLabels.stream().mapToInt(Integer::intValue).toArray());
    }

    private static Set<Integer> union(Set<Integer> a, int[] b) {
        Set<Integer> s = new LinkedHashSet<>(a);
        s.addAll(labelSet(b));
        return s;
    }

    @SafeVarargs
    private static List<Integer> concat(List<Integer>... parts) {
        List<Integer> all = new ArrayList<>();
        for (List<Integer> p : parts) {
            all.addAll(p);
        }
        return all;
    }

    private static int product(List<Integer> labels, Map<Integer, Integer> sizes) {
        int p = 1;
        for (int l : labels) {
            p *= sizes.get(l);
        }
        return p;
    }

    /** A tensor whose axes carry labels. */
    private record Term(Tensor x, int[] labels) {
        /** Axes of size 1 labelled with a larger size (broadcast ellipsis axes) expanded to it. */
        Term broadcast(Map<Integer, Integer> sizes) {
            int[] target = new int[labels.length];
            boolean expand = false;
            for (int a = 0; a < labels.length; a++) {
                target[a] = sizes.get(labels[a]);
                expand |= target[a] != x.dim(a);
            }
            return expand ? new Term(x.expand(target), labels) : this;
        }

        /** Each label repeated within the term reduced to its diagonal, {@code x[.., i, .., i, ..] -> [.., i, ..]}. */
        Term diagonals() {
            Term t = this;
            while (true) {
                int p = -1;
                int q = -1;
                for (int i = 0; i < t.labels.length && p < 0; i++) {
                    for (int j = i + 1; j < t.labels.length; j++) {
                        if (t.labels[i] == t.labels[j]) {
                            p = i;
                            q = j;
                            break;
                        }
                    }
                }
                if (p < 0) {
                    return t;
                }
                int rank = t.labels.length;
                int[] order = new int[rank];
                int[] rest = new int[rank - 1];
                int k = 0;
                for (int i = 0; i < rank; i++) {
                    if (i != p && i != q) {
                        order[k] = i;
                        rest[k++] = t.labels[i];
                    }
                }
                order[rank - 2] = p;
                order[rank - 1] = q;
                rest[rank - 2] = t.labels[p];
                t = new Term(MatrixParts.diagonal(t.x.permute(order), 0), rest);
            }
        }

        /** The labels not in {@code needed} summed out. */
        Term sumOut(Set<Integer> needed) {
            List<Integer> axes = new ArrayList<>();
            List<Integer> left = new ArrayList<>();
            for (int a = 0; a < labels.length; a++) {
                if (needed.contains(labels[a])) {
                    left.add(labels[a]);
                } else {
                    axes.add(a);
                }
            }
            if (axes.isEmpty()) {
                return this;
            }
            return new Term(x.sum(axes.stream().mapToInt(Integer::intValue).toArray(), false),
                    left.stream().mapToInt(Integer::intValue).toArray());
        }

        /** The tensor with its axes in the order of {@code target} (the same labels). */
        Tensor permuteTo(List<Integer> target) {
            return permuteTo(target.stream().mapToInt(Integer::intValue).toArray());
        }

        Tensor permuteTo(int[] target) {
            int[] order = new int[target.length];
            boolean identity = true;
            for (int i = 0; i < target.length; i++) {
                for (int a = 0; a < labels.length; a++) {
                    if (labels[a] == target[i]) {
                        order[i] = a;
                    }
                }
                identity &= order[i] == i;
            }
            return identity ? x : x.permute(order);
        }
    }
}
