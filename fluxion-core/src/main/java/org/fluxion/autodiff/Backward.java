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
 *
 * <p><b>Nesting</b>: a rule may itself call {@code grad} or {@code vjp} on a function of its tracked
 * inputs, starting a walk inside the walk; the inner walk keeps aside, and gives back, the outer walk's
 * state of every node it shares ({@link Active}), and with captured edges runs only the rules on a path to
 * them, so the outer graph is neither run nor released by it.
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
        Active active = ACTIVE.get();
        int keptFrom = active.enter(walk);
        try {
            return walk(roots, cotangents, capture, retainGraph, createGraph, walk, active);
        } finally {
            active.exit(keptFrom);
        }
    }

    private static Tensor[] walk(Edge[] roots, Tensor[] cotangents, Edge[] capture, boolean retainGraph,
                                 boolean createGraph, long walk, Active active) {
        ArrayList<Node> stack = new ArrayList<>();
        for (Edge r : roots) {
            if (!r.node().isAccumulator()) {
                visit(r.node(), walk, stack, active);
            }
        }
        while (!stack.isEmpty()) {
            Node n = stack.removeLast();
            for (Node c : n.next) {
                if (c != null && !c.isAccumulator()) {
                    visit(c, walk, stack, active);
                    c.pending++;
                }
            }
        }
        // A walk inside another one with captured edges runs only the rules on a path to them: the others may
        // belong to the enclosing pass (a rule that calls vjp on a function of its tracked inputs), which needs
        // them unreleased. An outermost walk runs every reachable rule, as it always did: finding the paths
        // costs a hash lookup per node, which tripled the embedding-bag training step.
        Map<Node, Boolean> needed = capture == null || !active.nested() ? null : leadingTo(roots, capture);
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
                boolean runs = needed == null || needed.get(n) == Boolean.TRUE;
                if (runs && n.receivedAny()) {
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
                if (!runs) {
                    n.clearReceived();
                } else if (!retainGraph) {
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

    private static void visit(Node n, long walk, ArrayList<Node> stack, Active active) {
        if (n.walk != walk) {
            active.keepIfActive(n);
            n.startWalk(walk);
            stack.add(n);
        }
    }

    /**
     * Per node reachable from {@code roots}, whether a captured edge lies at or beyond one of its inputs, so
     * that its rule must run. Post-order with an explicit stack, as the walks.
     */
    private static Map<Node, Boolean> leadingTo(Edge[] roots, Edge[] capture) {
        Map<Node, Boolean> targets = new IdentityHashMap<>();
        for (Edge c : capture) {
            targets.put(c.node(), true);
        }
        Map<Node, Boolean> needed = new IdentityHashMap<>();
        ArrayList<Node> nodes = new ArrayList<>();
        ArrayList<Integer> nextChild = new ArrayList<>();
        for (Edge r : roots) {
            Node root = r.node();
            if (root.isAccumulator() || needed.containsKey(root)) {
                continue;
            }
            needed.put(root, false); // on the stack; final value set when its inputs are done
            nodes.add(root);
            nextChild.add(0);
            while (!nodes.isEmpty()) {
                int top = nodes.size() - 1;
                Node n = nodes.get(top);
                int i = nextChild.get(top);
                if (i < n.next.length) {
                    nextChild.set(top, i + 1);
                    Node c = n.next[i];
                    if (c != null && !c.isAccumulator() && !needed.containsKey(c)) {
                        needed.put(c, false);
                        nodes.add(c);
                        nextChild.add(0);
                    }
                    continue;
                }
                boolean any = false;
                for (Node c : n.next) {
                    if (c != null && (targets.containsKey(c) || needed.get(c) == Boolean.TRUE)) {
                        any = true;
                        break;
                    }
                }
                needed.put(n, any);
                nodes.remove(top);
                nextChild.remove(top);
            }
        }
        return needed;
    }

    /**
     * The walks running on one thread, innermost last. A walk started inside another one (a rule that calls
     * {@code grad} or {@code vjp}) may reach nodes of the enclosing walk's graph; their state in that walk
     * (consumers still to come, cotangents received so far) is kept aside when the inner walk takes a node and
     * put back when it ends, so the enclosing walk goes on as if nothing had happened.
     */
    private static final class Active {
        private long[] walks = new long[4];
        private int depth;
        private final ArrayList<Node.WalkState> kept = new ArrayList<>();

        /** Starts {@code walk}; returns the mark to give to {@link #exit}. */
        int enter(long walk) {
            if (depth == walks.length) {
                walks = java.util.Arrays.copyOf(walks, 2 * depth);
            }
            walks[depth++] = walk;
            return kept.size();
        }

        /** Ends the innermost walk, giving back the states it kept aside. */
        void exit(int keptFrom) {
            depth--;
            for (int i = kept.size() - 1; i >= keptFrom; i--) {
                Node.WalkState s = kept.remove(i);
                s.node().restoreWalk(s);
            }
        }

        /** True while the innermost walk runs inside another one. */
        boolean nested() {
            return depth > 1;
        }

        /** Keeps node {@code n}'s state aside when an enclosing walk on this thread is using it. */
        void keepIfActive(Node n) {
            for (int i = depth - 2; i >= 0; i--) {
                if (walks[i] == n.walk) {
                    kept.add(n.walkState());
                    return;
                }
            }
        }
    }

    private static final ThreadLocal<Active> ACTIVE = ThreadLocal.withInitial(Active::new);

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
            if (count > 0 && count == lead) {
                ct = ct.sum(java.util.Arrays.copyOf(axes, count), false); // a bias's gradient: one op, no reshape
            } else {
                if (count > 0) {
                    ct = ct.sum(java.util.Arrays.copyOf(axes, count), true);
                }
                ct = ct.reshape(target.dims());
            }
        }
        return ct.to(input.dtype());
    }
}
