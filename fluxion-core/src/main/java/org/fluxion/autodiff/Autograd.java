package org.fluxion.autodiff;

import java.util.ArrayList;
import java.util.List;
import org.fluxion.ops.Views;
import org.fluxion.tensor.Tensor;

/**
 * Eager reverse mode (PyTorch-like), behind {@link Tensor#requiresGrad(boolean)},
 * {@link Tensor#backward()} and friends, plus {@link #grad}, which returns gradients instead of
 * accumulating them (the basis of {@link Functional}).
 */
public final class Autograd {
    private Autograd() {
    }

    /** Marks a floating-point tensor as a leaf whose gradient is accumulated by backward. */
    public static void setRequiresGrad(Tensor t, boolean flag) {
        if (flag && !t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("requiresGrad: only floating-point tensors can require a gradient, got "
                    + t.type() + " (convert with to(DType.FLOAT32) or to(DType.FLOAT64) first)");
        }
        AutogradMeta m = AutogradMeta.of(t);
        if (m != null && m.gradFn != null) {
            if (!flag) {
                throw new IllegalStateException("requiresGrad(false): tensor " + t.type() + " is the result of "
                        + m.gradFn.primitive.name() + ", not a leaf; use detach() to stop tracking it");
            }
            return;
        }
        if (m == null && !flag) {
            return;
        }
        Dispatch.meta(t).requiresGrad = flag;
    }

    /** True for a leaf that requires grad and for the result of a recorded operation. */
    public static boolean requiresGrad(Tensor t) {
        AutogradMeta m = AutogradMeta.of(t);
        return m != null && m.tracked();
    }

    /**
     * True when {@code t} takes part in differentiation: it requires grad, was recorded, or carries a
     * forward-mode tangent (it has autodiff state).
     */
    public static boolean isDifferentiated(Tensor t) {
        return AutogradMeta.of(t) != null;
    }

    /** The gradient accumulated in a leaf, or null. */
    public static Tensor grad(Tensor t) {
        AutogradMeta m = AutogradMeta.of(t);
        return m == null ? null : m.grad;
    }

    /** Clears the accumulated gradient. */
    public static void zeroGrad(Tensor t) {
        AutogradMeta m = AutogradMeta.of(t);
        if (m != null) {
            synchronized (m) {
                m.grad = null;
            }
        }
    }

    /** The name of the primitive that produced {@code t}, or null for a leaf or an untracked tensor. */
    public static String gradFnName(Tensor t) {
        AutogradMeta m = AutogradMeta.of(t);
        return m == null || m.gradFn == null ? null : m.gradFn.primitive.name();
    }

    /**
     * Accumulates {@code d root / d leaf} (contracted with {@code cotangent}) into the {@code grad} of
     * every leaf that requires grad.
     *
     * @param cotangent of the root's shape; null only for a one-element root (then 1)
     */
    public static void backward(Tensor root, Tensor cotangent, boolean retainGraph, boolean createGraph) {
        requireFloatingPoint("backward", "tensor " + root.type(), root);
        Backward.Edge node = rootNode(root, "backward");
        Backward.run(new Backward.Edge[] {node}, new Tensor[] {seed(root, cotangent, "backward")}, null, retainGraph,
                createGraph);
    }

    /**
     * The gradients of {@code output} (contracted with {@code cotangent}) with respect to {@code inputs},
     * returned and not accumulated (torch.autograd.grad). An input the output does not depend on gets
     * zeros. With {@code createGraph} the results are differentiable again.
     */
    public static Tensor[] grad(Tensor output, Tensor[] inputs, Tensor cotangent, boolean retainGraph,
                                boolean createGraph) {
        requireFloatingPoint("grad", "output " + output.type(), output);
        return grad(new Tensor[] {output}, new Tensor[] {seed(output, cotangent, "grad")}, inputs, retainGraph,
                createGraph);
    }

    /**
     * {@link #grad} of several outputs at once: the sum over {@code k} of the gradients of {@code outputs[k]}
     * contracted with {@code cotangents[k]}, in one backward pass. A null cotangent means zero (that output
     * is skipped), as does an output that depends on no input; a cotangent must have its output's shape.
     */
    public static Tensor[] grad(Tensor[] outputs, Tensor[] cotangents, Tensor[] inputs, boolean retainGraph,
                                boolean createGraph) {
        Backward.Edge[] capture = new Backward.Edge[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            AutogradMeta m = AutogradMeta.of(inputs[i]);
            if (m == null || !m.tracked()) {
                throw new IllegalArgumentException("grad: input " + i + " (" + inputs[i].type()
                        + ") does not require grad, so no gradient can be taken with respect to it");
            }
            capture[i] = m.gradFn != null ? new Backward.Edge(m.gradFn, m.gradFnOutput)
                    : new Backward.Edge(Dispatch.accumulator(inputs[i], m), 0);
        }
        List<Backward.Edge> roots = new ArrayList<>();
        List<Tensor> seeds = new ArrayList<>();
        for (int k = 0; k < outputs.length; k++) {
            AutogradMeta om = AutogradMeta.of(outputs[k]);
            if (cotangents[k] != null && om != null && om.tracked()) {
                requireFloatingPoint("grad", "output " + k + " " + outputs[k].type(), outputs[k]);
                roots.add(rootNode(outputs[k], "grad"));
                seeds.add(seed(outputs[k], cotangents[k], "grad"));
            }
        }
        Tensor[] result = roots.isEmpty() ? new Tensor[inputs.length] // no output depends on any input
                : Backward.run(roots.toArray(Backward.Edge[]::new), seeds.toArray(Tensor[]::new), capture,
                        retainGraph, createGraph);
        for (int i = 0; i < result.length; i++) {
            if (result[i] == null) {
                result[i] = Tensor.zeros(inputs[i].dtype(), inputs[i].dims());
            }
        }
        return result;
    }

    /**
     * Refuses to differentiate an integer or bool tensor: it is piecewise constant (argmax, comparisons,
     * integer casts), so its derivative would be zeros that hide a mistake rather than a gradient.
     *
     * @param what how {@code t} is described in the message, e.g. "output int64[]"
     */
    static void requireFloatingPoint(String op, String what, Tensor t) {
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": the " + what + " is " + t.dtype().label() + ", not "
                    + "floating point, so it has no derivative (integer and bool results such as argmax, "
                    + "comparisons and integer casts are piecewise constant and cut the graph); differentiate a "
                    + "float32 or float64 quantity instead");
        }
    }

    private static Backward.Edge rootNode(Tensor root, String op) {
        AutogradMeta m = AutogradMeta.of(root);
        if (m == null || !m.tracked()) {
            throw new IllegalArgumentException(op + ": tensor " + root.type() + " does not require grad and has no "
                    + "recorded operation (call requiresGrad(true) on the inputs before computing it)");
        }
        return m.gradFn != null ? new Backward.Edge(m.gradFn, m.gradFnOutput)
                : new Backward.Edge(Dispatch.accumulator(root, m), 0);
    }

    private static Tensor seed(Tensor root, Tensor cotangent, String op) {
        if (cotangent == null) {
            if (root.size() != 1) {
                throw new IllegalArgumentException(op + ": output of shape " + root.shape() + " has " + root.size()
                        + " elements; backward without a cotangent needs a single element (pass a cotangent of "
                        + "shape " + root.shape() + ", e.g. ones, or reduce the output with sum() first)");
            }
            return Tensor.ones(root.dtype(), root.dims());
        }
        if (!cotangent.shape().equals(root.shape())) {
            throw new IllegalArgumentException(op + ": cotangent of shape " + cotangent.shape()
                    + " does not match the output of shape " + root.shape() + "; they must be equal");
        }
        return cotangent.to(root.dtype());
    }

    /** A view of {@code t} that is tracked by neither reverse nor forward mode. */
    public static Tensor detach(Tensor t) {
        return Views.detach(t);
    }
}
