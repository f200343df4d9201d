package org.fluxion.onnx;

import org.fluxion.tensor.Tensor;

/**
 * A lowering whose inputs or outputs include values that are not tensors: ONNX sequences and string tensors.
 * A sequence value is an immutable {@code List<Tensor>}, a string tensor a {@link StringTensor}, both kept by
 * {@link Graph#run} beside the tensors; every other value is a {@link Tensor} (null for an omitted optional
 * input). Sequences live inside a graph only: a graph input or output of sequence type is still reported
 * unsupported at load. String tensors may be graph inputs, outputs and initializers.
 */
@FunctionalInterface
interface SequenceLowering extends Lowering {
    /** The node's outputs, each a {@link Tensor} or a {@code List<Tensor>}. */
    Object[] applyToValues(Node node, Object[] inputs);

    @Override
    default Tensor[] apply(Node node, Tensor[] inputs) {
        Object[] out = applyToValues(node, inputs);
        Tensor[] tensors = new Tensor[out.length];
        for (int i = 0; i < out.length; i++) {
            if (!(out[i] instanceof Tensor t)) {
                throw node.error("output " + i + " is a sequence or string tensor, where a tensor is needed");
            }
            tensors[i] = t;
        }
        return tensors;
    }
}
