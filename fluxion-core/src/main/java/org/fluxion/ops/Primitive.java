package org.fluxion.ops;

import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * A primitive operation: one entry of the rule table. Each primitive states, in one place, its
 * shape/dtype rule and its kernel; autodiff adds its JVP and VJP rules beside them.
 *
 * <p>A primitive instance carries its static parameters (axes, target shape, stride...), so a node of a
 * traced graph is simply a primitive plus its inputs. Operations not built from a primitive here are
 * composites of primitives and need no rules of their own.
 *
 * <p>The set is closed: the primitives of this package are listed below, and everything else enters
 * through one of two open doors, {@link CustomPrimitive} (a user's function with its own rules) and
 * {@link CompilerPrimitive} (what only the compiler creates: fused kernels, rewritten patterns,
 * checkpoints, structured control flow). A rule every primitive must state has no default, so a
 * primitive that forgets it does not compile.
 *
 * <p><b>Outputs.</b> Most primitives return one tensor and state the singular rules ({@link #outputType},
 * {@link #compute}, {@link #vjp}, {@link #jvp}, {@link #batch}). Each rule also has a plural form over all
 * outputs ({@link #outputTypes}, {@link #computeAll}, {@link #vjpAll}, {@link #jvpAll}, {@link #batchAll}),
 * which the machinery uses for a primitive of several outputs ({@link MultiOutput}: split, top-k, a loop's
 * carries); for one output the plural form is the singular one, so nothing else states it.
 */
public sealed interface Primitive permits
        Unary, Binary, Where, Cast, MatMul, MatMulAdd, Reduce, ArgReduce, CumSum, Concat, Pad, Gather, ScatterAdd,
        ViewPrimitives.Reshape, ViewPrimitives.Permute, ViewPrimitives.Expand, ViewPrimitives.Slice,
        ViewPrimitives.Copy,
        ConvolutionPrimitives.Conv2d, ConvolutionPrimitives.Conv2dInputGrad, ConvolutionPrimitives.Conv2dWeightGrad,
        ConvolutionPrimitives.MaxPool2d, ConvolutionPrimitives.MaxPool2dGrad, ConvolutionPrimitives.MaxPool2dSelect,
        ConvolutionPrimitives.AvgPool2d, ConvolutionPrimitives.AvgPool2dGrad,
        RandomUniform, LinalgPrimitive, SparseMatMul, SampledDot, StopGradient,
        MultiOutput, CustomPrimitive, CompilerPrimitive {
    /** Name used in error messages and graph printouts, e.g. {@code add}, {@code sum}. */
    String name();

    /**
     * The type of the output for inputs of the given types.
     *
     * @throws IllegalArgumentException naming this primitive and the offending shapes, dtypes or
     *                                  parameters when the inputs are not valid
     */
    TensorType outputType(TensorType... inputs);

    /** Computes the output eagerly; {@code out} is the type {@link #outputType} returned. */
    Tensor compute(TensorType out, Tensor... inputs);

    /**
     * True for a primitive whose {@link #compute} returns a value computed before it was applied (a
     * custom rule runs its function first, then applies itself for its derivative rules). While tracing,
     * that value is already a traced result of the operations that computed it, so the primitive is not
     * recorded in the graph: only its derivative rules matter.
     */
    default boolean precomputed() {
        return false;
    }

    /**
     * VJP rule: given the cotangent {@code g} of the output, the cotangents of the inputs. Entries may be
     * null for inputs that get no gradient (indices, conditions, constants of integer type). A returned
     * cotangent may have the output's broadcast shape; the engine sums it down to the input's shape and
     * converts its dtype. Written with differentiable tensor operations only, so that it can itself be
     * differentiated (higher order).
     */
    default Tensor[] vjp(Tensor g, Tensor[] inputs, Tensor output) {
        throw new UnsupportedOperationException(name() + ": this primitive has no VJP rule yet");
    }

    /**
     * The VJP rule when only some cotangents are needed: bit {@code i} of {@code wanted} is set when
     * input {@code i} needs one. Rules whose cotangents are expensive (matmul, convolution) skip the
     * unwanted ones and return null there; the default computes them all.
     */
    default Tensor[] vjp(Tensor g, Tensor[] inputs, Tensor output, int wanted) {
        return vjp(g, inputs, output);
    }

    /**
     * Which tensors the VJP rule reads the values of, so that autodiff keeps only those alive until
     * backward (a chain of adds keeps nothing; {@code x * 2} keeps only the 2). Bit {@code i} stands for
     * input {@code i}, bit {@code arity} for the output (bit {@code arity + k} for output {@code k} of a
     * {@link MultiOutput}); {@code wanted} has bit {@code i} set when input
     * {@code i} needs a cotangent. A tensor left out reaches the rule as a placeholder of the right shape
     * and dtype whose values are zeros, so a rule may still read shapes and dtypes of anything. The
     * default keeps everything; the conformance suite checks every override.
     */
    default int vjpReads(int wanted, int arity) {
        return ~0;
    }

    /**
     * JVP rule: the tangent of the output given the inputs' tangents ({@code null} entries are zero). May
     * return null for a zero tangent, or a tangent that broadcasts to the output's shape. Written with
     * differentiable tensor operations only.
     */
    default Tensor jvp(Tensor[] inputs, Tensor[] tangents, Tensor output) {
        throw new UnsupportedOperationException(name() + ": this primitive has no JVP rule yet");
    }

    /**
     * Batching rule ({@code vmap}): this primitive applied to a batch of examples at once. The inputs
     * flagged in {@code batched} carry the batch on axis 0 ({@code [size, d...]} for a per-example
     * {@code [d...]}); the others are the same for every example and have their per-example shape. At
     * least one input is batched. Returns the batched output {@code [size, e...]}, where {@code out[b]}
     * equals this primitive applied to example {@code b} of the batched inputs and the unbatched inputs
     * as they are. Written with {@link Ops#bind} only, so that the result is differentiable and traceable.
     *
     * <p>No default: a primitive states its rule, or chooses {@link Batching#byLoop} (one call per
     * example) explicitly and says why no better rule exists. {@link Batching} holds the shared helpers.
     */
    Tensor batch(Tensor[] inputs, boolean[] batched, int size);

    // ---------------------------------------------------------------- the rules over all outputs

    /** The types of all outputs; one output here, several for a {@link MultiOutput}. */
    default TensorType[] outputTypes(TensorType... inputs) {
        return new TensorType[] {outputType(inputs)};
    }

    /** Computes all outputs eagerly; {@code outputs} are the types {@link #outputTypes} returned. */
    default Tensor[] computeAll(TensorType[] outputs, Tensor... inputs) {
        return new Tensor[] {compute(outputs[0], inputs)};
    }

    /**
     * VJP rule over all outputs: {@code cotangents[k]} belongs to output {@code k}, null when that output
     * received none. Otherwise as {@link #vjp(Tensor, Tensor[], Tensor, int)}.
     */
    default Tensor[] vjpAll(Tensor[] cotangents, Tensor[] inputs, Tensor[] outputs, int wanted) {
        return vjp(cotangents[0], inputs, outputs[0], wanted);
    }

    /** JVP rule over all outputs: one tangent per output, null where it is zero. */
    default Tensor[] jvpAll(Tensor[] inputs, Tensor[] tangents, Tensor[] outputs) {
        return new Tensor[] {jvp(inputs, tangents, outputs[0])};
    }

    /** Batching rule over all outputs: each output batched on axis 0, as {@link #batch}. */
    default Tensor[] batchAll(Tensor[] inputs, boolean[] batched, int size) {
        return new Tensor[] {batch(inputs, batched, size)};
    }
}
