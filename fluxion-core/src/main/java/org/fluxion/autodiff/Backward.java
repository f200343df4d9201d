package org.fluxion.autodiff;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;

/**
 * The reverse-mode engine. From the root nodes it finds the reachable graph and counts, per node, the
 * edges that still have to deliver a cotangent; then it processes nodes in reverse topological order
 * (a node runs once all its consumers have run), calling each primitive's VJP rule and accumulating the
 * input cotangents in the producing nodes. Both walks use explicit stacks, never recursion: a graph a
 * million nodes deep is fine.
 *
 * <p><b>Unbroadcasting</b> happens here, once: a rule may return an input cotangent of the broadcast
 * (output) shape; it is summed over the leading axes and the axes where the input had size 1.
 *
 * <p><b>Retain-graph semantics</b>: without {@code retainGraph}, each node releases its saved tensors
 * once used, and a second backward through it throws {@link IllegalStateException}. With
 * {@code createGraph} the rules run with grad mode on, so the gradients are themselves differentiable.
 *
 * <p><b>Threads</b>: walks over one graph must not run concurrently (the walk state lives in the
 * operation nodes). Walks over different graphs may, even when they end in the same leaves (threads
 * that each run forward and backward on their own batch with shared parameters): a leaf's accumulator
 * node is shared by every graph that uses the leaf, so it keeps no walk state; each walk sums the
 * cotangents of its leaves in its own map and adds each sum to the leaf's {@code grad} under the leaf's
 * lock, so no contribution is lost.
 */
final class Backward {
    private static final AtomicLong WALKS = new AtomicLong();

    private Backward() {
    }

    /**
     * Runs backward from {@code roots} seeded with {@code cotangents}.
     *
     * @param capture null to accumulate into the leaves' {@code grad}; otherwise the nodes whose incoming
     *                cotangent is returned (in order, null when none arrived), and no leaf is modified
     */
    static Tensor[] run(Node[] roots, Tensor[] cotangents, Node[] capture, boolean retainGraph, boolean createGraph) {
        long walk = WALKS.incrementAndGet();
        ArrayList<Node> stack = new ArrayList<>();
        for (Node r : roots) {
            if (!r.isAccumulator()) {
                visit(r, walk, stack);
            }
        }
        while (!stack.isEmpty()) {
            Node n = stack.removeLast();
            for (Node c : n.next) {
                if (c != null && !c.isAccumulator()) {
                    visit(c, walk, stack);
                    c.pending++;
                }
            }
        }
        try (var mode = GradMode.set(createGraph)) {
            // Cotangents arriving at leaves, summed in the order the walk delivers them.
            Map<Node, Tensor> leaves = new IdentityHashMap<>();
            for (int i = 0; i < roots.length; i++) {
                if (roots[i].isAccumulator()) {
                    leaves.merge(roots[i], cotangents[i], Backward::add);
                } else {
                    roots[i].cotangent = add(roots[i].cotangent, cotangents[i]);
                }
            }
            Map<Node, Integer> captured = new IdentityHashMap<>();
            if (capture != null) {
                for (int i = 0; i < capture.length; i++) {
                    captured.put(capture[i], i);
                }
            }
            Tensor[] result = capture == null ? null : new Tensor[capture.length];
            for (Node r : roots) {
                if (!r.isAccumulator() && r.pending == 0 && !stack.contains(r)) {
                    stack.add(r);
                }
            }
            while (!stack.isEmpty()) {
                Node n = stack.removeLast();
                Tensor g = n.cotangent;
                n.cotangent = null;
                Integer slot = captured.get(n);
                if (slot != null) {
                    result[slot] = g;
                }
                if (g != null) {
                    Tensor[] inputs = n.savedInputs();
                    Tensor[] cts = n.primitive.vjp(g, inputs, n.savedOutput(), n.wanted());
                    for (int i = 0; i < n.next.length; i++) {
                        Node c = n.next[i];
                        if (c != null && cts[i] != null) {
                            Tensor ct = unbroadcast(cts[i], inputs[i]);
                            if (c.isAccumulator()) {
                                leaves.merge(c, ct, Backward::add);
                            } else {
                                c.cotangent = add(c.cotangent, ct);
                            }
                        }
                    }
                }
                for (Node c : n.next) {
                    if (c != null && !c.isAccumulator() && --c.pending == 0) {
                        stack.add(c);
                    }
                }
                if (!retainGraph) {
                    n.release();
                }
            }
            for (Map.Entry<Node, Tensor> e : leaves.entrySet()) {
                Integer slot = captured.get(e.getKey());
                if (slot != null) {
                    result[slot] = e.getValue();
                } else if (capture == null) {
                    accumulate(AutogradMeta.of(e.getKey().leaf), e.getValue());
                }
            }
            return result;
        }
    }

    /**
     * {@code grad += g} for a leaf, atomically: concurrent walks ending in the same leaf serialize here, so
     * the result is the sum of every contribution (in some order). The lock is uncontended, hence cheap,
     * in a single thread; the add itself dominates.
     */
    private static void accumulate(AutogradMeta m, Tensor g) {
        synchronized (m) {
            // A leaf's gradient is dense and its own, as PyTorch's AccumulateGrad makes it: optimizers then
            // read it with vector loops, not through a transposed or broadcast view.
            m.grad = m.grad == null ? g.contiguous() : m.grad.add(g);
        }
    }

    private static void visit(Node n, long walk, ArrayList<Node> stack) {
        if (n.walk != walk) {
            n.walk = walk;
            n.pending = 0;
            n.cotangent = null;
            stack.add(n);
        }
    }

    private static Tensor add(Tensor acc, Tensor g) {
        return acc == null ? g : acc.add(g);
    }

    /**
     * Sums a cotangent of a broadcast shape down to {@code input}'s shape (over the leading axes and the
     * axes where the input has size 1) and converts it to the input's dtype.
     */
    static Tensor unbroadcast(Tensor ct, Tensor input) {
        Shape target = input.shape();
        if (!ct.shape().equals(target)) {
            int lead = ct.rank() - target.rank();
            int[] axes = new int[ct.rank()];
            int count = 0;
            for (int i = 0; i < ct.rank(); i++) {
                if (i < lead || (target.dim(i - lead) == 1 && ct.dim(i) != 1)) {
                    axes[count++] = i;
                }
            }
            if (count > 0) {
                ct = ct.sum(java.util.Arrays.copyOf(axes, count), true);
            }
            ct = ct.reshape(target.dims());
        }
        return ct.to(input.dtype());
    }
}
