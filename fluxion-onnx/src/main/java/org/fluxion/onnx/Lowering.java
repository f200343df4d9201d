package org.fluxion.onnx;

import org.fluxion.tensor.Tensor;

/**
 * How one ONNX operator runs as Fluxion operations: given the node and its inputs (null for an omitted
 * optional input), the outputs in order. Written with the public tensor operations only, so an imported
 * graph is differentiable, traceable by {@code jit} and batchable by {@code vmap}.
 */
@FunctionalInterface
public interface Lowering {
    /** The node's outputs. */
    Tensor[] apply(Node node, Tensor[] inputs);
}
