package org.fluxion.jit.passes;

import org.fluxion.jit.ir.Printer;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * A {@link Fused} elementwise kernel that also returns its result summed over the leading axes (XLA's multi-output
 * fusion of a reduction with its producer): outputs {@code y}, the kernel's result, and {@code s}, the sum of
 * {@code y} read as rows of {@code width} ({@code s[c] = sum_r y[r, c]}, a bias gradient), each tile folded
 * while it is in cache ({@link org.fluxion.jit.codegen.FusedKernel#runSummingRows}). Built by {@link RowSums} from
 * a kernel and the {@code sum} after it; like the kernel, it has no derivative rules.
 */
final class FusedRowSums implements MultiOutputPlanStep, Printer.Described {
    private final Fused fused;
    private final TensorType sumType;
    private final int width;

    /**
     * @param fused   the elementwise kernel ({@link Fused#sumsRows} of {@code width})
     * @param sumType the sum's type: {@code width} elements, with or without kept unit axes
     */
    FusedRowSums(Fused fused, TensorType sumType, int width) {
        if (!fused.sumsRows(width) || sumType.shape().size() != width || sumType.dtype() != fused.type().dtype()) {
            throw new IllegalArgumentException("fused_sum: " + fused.type() + " cannot be summed into " + sumType);
        }
        this.fused = fused;
        this.sumType = sumType;
        this.width = width;
    }

    /** The elementwise kernel, whose program a device backend compiles ({@link FusedPrograms}). */
    Fused fused() {
        return fused;
    }

    @Override
    public String name() {
        return "fused_sum";
    }

    @Override
    public String rewrittenFrom() {
        return "elementwise operations and sum";
    }

    @Override
    public String parameters(String indent) {
        return "width=" + width + ", " + fused.parameters(indent);
    }

    @Override
    public TensorType[] outputTypes(TensorType... inputs) {
        return new TensorType[] {fused.type(), sumType};
    }

    @Override
    public Tensor[] computeInto(Storage[] buffers, Tensor[] inputs) {
        TensorType y = fused.type();
        Storage values = buffers[0] != null ? buffers[0] : Storage.allocate(y.dtype(), y.shape().size());
        Storage sums = buffers[1] != null ? buffers[1] : Storage.allocate(sumType.dtype(), width);
        return new Tensor[] {fused.computeInto(values, sums, width, inputs), Tensor.wrap(sums, sumType.shape())};
    }

    /** The result may overwrite an input as the kernel's may; the sums never do. */
    @Override
    public boolean mayWriteOver(int output, int input) {
        return output == 0 && fused.mayWriteOver(input);
    }
}
