package org.fluxion.ops;

import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * A primitive that returns several tensors (JAX's {@code multiple_results}): {@link Split} (the pieces),
 * {@link TopK} (values and indices), through {@link CompilerMultiOutput} a structured loop (all its
 * carries), and users' primitives through {@link CustomMultiOutput}. Every rule is stated once for all
 * outputs, in the plural forms of {@link Primitive}, which are abstract again here; the singular forms
 * refuse, naming the primitive, so that applying one with {@link Ops#bind} instead of {@link Ops#bindAll}
 * is a clear error.
 *
 * <p>Conventions, output by output in the order of {@link #outputTypes}:
 * <ul>
 *   <li>{@link #computeAll} returns new tensor objects (views of an input are fine, the input itself is
 *       not): autodiff attaches its state to each;</li>
 *   <li>{@link #vjpAll} gets one cotangent per output, null for an output that received none (always for
 *       integer and bool outputs), and at least one not null;</li>
 *   <li>{@link #jvpAll} returns one tangent per output, null where it is zero (integer outputs);</li>
 *   <li>{@link #vjpReads}: bit {@code i} stands for input {@code i}, bit {@code arity + k} for output
 *       {@code k};</li>
 *   <li>{@link #batchAll} returns every output batched on axis 0.</li>
 * </ul>
 */
public sealed interface MultiOutput extends Primitive permits Split, TopK, SlogDet, Qr, Eigh, Svd, Lu, WithInfo,
        CompilerMultiOutput, CustomMultiOutput {
    @Override
    TensorType[] outputTypes(TensorType... inputs);

    @Override
    Tensor[] computeAll(TensorType[] outputs, Tensor... inputs);

    @Override
    Tensor[] vjpAll(Tensor[] cotangents, Tensor[] inputs, Tensor[] outputs, int wanted);

    @Override
    Tensor[] jvpAll(Tensor[] inputs, Tensor[] tangents, Tensor[] outputs);

    @Override
    Tensor[] batchAll(Tensor[] inputs, boolean[] batched, int size);

    @Override
    default TensorType outputType(TensorType... inputs) {
        throw new IllegalArgumentException(name() + ": this primitive has several outputs; apply it with "
                + "Ops.bindAll, which returns all of them");
    }

    @Override
    default Tensor compute(TensorType out, Tensor... inputs) {
        throw new UnsupportedOperationException(name() + ": this primitive has several outputs (computeAll)");
    }

    @Override
    default Tensor batch(Tensor[] inputs, boolean[] batched, int size) {
        throw new UnsupportedOperationException(name() + ": this primitive has several outputs (batchAll)");
    }
}
