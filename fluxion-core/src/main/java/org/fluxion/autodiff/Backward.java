package org.fluxion.autodiff;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.fluxion.ops.MultiOutput;
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

    /** Output {@code output} of {@code node} (0 for an accumulator): where a cotangent is delivered or read. */
    record Edge(Node node, int output) {
    }

    /**
     * Runs backward from {@code roots} seeded with {@code cotangents}.
     *
     * @param capture null to accumulate into the leaves' {@code grad}; otherwise the edges whose incoming
     *                cotangent is returned (in order, null when none arrived), and no leaf is modified
     */
    static Tensor[] run(Edge[] roots, Tensor[] cotangents, Edge[] capture, boolean retainGraph, boolean createGraph) {
        long walk = WALKS.incrementAndGet();
        ArrayList<Node> stack = new ArrayList<>();
        for (Edge r : roots) {
            if (!r.node().isAccumulator()) {
                visit(r.node(), walk, stack);
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
                Node r = roots[i].node();
                if (r.isAccumulator()) {
                    leaves.merge(r, cotangents[i], Backward::add);
                } else {
                    r.receive(roots[i].output(), cotangents[i]);
                }
            }
            // Only grad() captures: without it, no node is looked up (hashing every fresh node costs).
            Map<Node, Boolean> captured = null;
            if (capture != null) {
                captured = new IdentityHashMap<>();
                for (Edge c : capture) {
                    captured.put(c.node(), true);
                }
            }
            Tensor[] result = capture == null ? null : new Tensor[capture.length];
            for (Edge e : roots) {
                Node r = e.node();
                if (!r.isAccumulator() && r.pending == 0 && !stack.contains(r)) {
                    stack.add(r);
                }
            }
            while (!stack.isEmpty()) {
                Node n = stack.removeLast();
                if (captured != null && captured.containsKey(n)) {
                    for (int slot = 0; slot < capture.length; slot++) {
                        if (capture[slot].node() == n) {
                            result[slot] = n.received(capture[slot].output());
                        }
                    }
                }
                if (n.receivedAny()) {
                    Tensor[] inputs = n.savedInputs();
                    // A node of one output calls the singular rule; MultiOutput nodes the rule over all outputs.
                    Tensor[] cts = n.primitive instanceof MultiOutput
                            ? n.primitive.vjpAll(n.receivedAll(), inputs, n.savedOutputs(), n.wanted())
                            : n.primitive.vjp(n.received(0), inputs, n.savedOutput(), n.wanted());
                    n.clearReceived();
                    for (int i = 0; i < n.next.length; i++) {
                        Node c = n.next[i];
                        if (c != null && cts[i] != null) {
                            Tensor ct = unbroadcast(cts[i], inputs[i]);
                            if (c.isAccumulator()) {
                                leaves.merge(c, ct, Backward::add);
                            } else {
                                c.receive(n.nextOutput(i), ct);
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
            if (capture == null) {
                leaves.forEach((leaf, g) -> accumulate(AutogradMeta.of(leaf.leaf), g));
            } else {
                for (Map.Entry<Node, Tensor> e : leaves.entrySet()) {
                    for (int slot = 0; slot < capture.length; slot++) {
                        if (capture[slot].node() == e.getKey()) {
                            result[slot] = e.getValue();
                        }
                    }
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
            n.startWalk(walk);
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
