package org.fluxion.jit;

import org.fluxion.jit.codegen.ElementwiseProgram;
import org.fluxion.jit.codegen.FusedKernel;
import org.fluxion.jit.codegen.FusionCompiler;
import org.fluxion.ops.Primitive;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * A fused elementwise chain (with an optional trailing reduction) as one step of a compiled plan: a
 * kernel generated for its {@link ElementwiseProgram} reads each input once and writes the result once,
 * with no temporaries. Fusion runs after differentiation, so this primitive has no derivative rules.
 *
 * <p>The iteration space is {@code [outer, inner]}; each input is indexed as its access says (dense,
 * a row broadcast along outer, a column broadcast along inner, or a scalar).
 */
final class Fused implements Primitive, Printer.Described {
    final ElementwiseProgram program;
    private final FusedKernel kernel;
    private final TensorType type;
    private final int outer;
    private final int inner;

    Fused(ElementwiseProgram program, TensorType type, int outer, int inner) {
        this.program = program;
        this.kernel = FusionCompiler.compile(program);
        this.type = type;
        this.outer = outer;
        this.inner = inner;
    }

    @Override
    public String name() {
        return "fused";
    }

    @Override
    public String parameters(String indent) {
        return "outer=" + outer + ", inner=" + inner + ", program=" + program;
    }

    @Override
    public TensorType outputType(TensorType... inputs) {
        return type;
    }

    @Override
    public Tensor compute(TensorType out, Tensor... inputs) {
        return computeInto(Storage.allocate(type.dtype(), type.shape().size()), inputs);
    }

    /** Runs the kernel writing into {@code buffer} (a storage of the output's dtype and size). */
    Tensor computeInto(Storage buffer, Tensor[] inputs) {
        Object[] arrays = new Object[inputs.length];
        int[] offsets = new int[inputs.length];
        for (int j = 0; j < inputs.length; j++) {
            Tensor t = inputs[j];
            if (!t.isContiguous()) {
                t = t.contiguous(); // a view (transpose, slice): the kernel reads dense arrays
            }
            arrays[j] = t.storage().array();
            offsets[j] = t.offset();
        }
        kernel.run(arrays, offsets, buffer.array(), 0, outer, inner);
        return Tensor.wrap(buffer, type.shape());
    }
}
