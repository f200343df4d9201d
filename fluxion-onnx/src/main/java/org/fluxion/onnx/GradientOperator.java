package org.fluxion.onnx;

import org.fluxion.tensor.Tensor;

/**
 * ONNX's {@code Gradient} operator (domain {@code ai.onnx.preview.training}): the gradient of the tensor
 * named {@code y} with respect to those named {@code xs}. It needs the nodes that computed {@code y}, so
 * {@link Graph} runs it itself; this class only marks the node.
 */
final class GradientOperator implements Lowering {
    static final String DOMAIN = "ai.onnx.preview.training";
    static final GradientOperator INSTANCE = new GradientOperator();

    private GradientOperator() {
    }

    @Override
    public Tensor[] apply(Node node, Tensor[] inputs) {
        throw node.error("Gradient runs only inside its graph, which re-runs the nodes computing y");
    }
}
