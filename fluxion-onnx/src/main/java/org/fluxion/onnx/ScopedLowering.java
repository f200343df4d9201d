package org.fluxion.onnx;

import java.util.Map;
import org.fluxion.tensor.Tensor;

/**
 * A lowering whose node has subgraphs (If, Loop, Scan): it also sees the environment of the graph it runs
 * in, since a subgraph may read any value of its enclosing scopes by name.
 */
interface ScopedLowering extends Lowering {
    /** The node's outputs, given its inputs and the enclosing environment. */
    Tensor[] apply(Node node, Tensor[] inputs, Map<String, Tensor> scope);

    @Override
    default Tensor[] apply(Node node, Tensor[] inputs) {
        return apply(node, inputs, Map.of());
    }
}
