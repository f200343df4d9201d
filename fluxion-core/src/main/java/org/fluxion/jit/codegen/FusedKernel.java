package org.fluxion.jit.codegen;

/**
 * A compiled {@link ElementwiseProgram}.
 *
 * <p>{@code inputs[j]} is the array of input {@code j} ({@code float[]} / {@code double[]} for the program's
 * dtype, {@code boolean[]} for a mask input); its element for index {@code p} (as given by the input's
 * {@link ElementwiseProgram.Access}: {@code o * inner + i}, {@code i}, {@code o} or 0) is at
 * {@code inOffsets[j] + p}. The output array ({@code float[]} / {@code double[]}, or {@code boolean[]} for a
 * mask result) receives element {@code q} at {@code outOffset + q}: {@code q = o * inner + i} without
 * reduction, {@code q = o} for a per-row reduction, {@code q = 0} for a full one.
 *
 * <p>The output may be the same array as a FULL input at the same offset (in place); any other overlap of
 * the output with an input is undefined. Arrays too short for {@code [outer, inner]} are rejected with an
 * {@link IllegalArgumentException} before anything is written. Kernels are thread-safe; large iteration
 * spaces are split over {@link org.fluxion.kernels.Parallel}, and reductions give the same bits whatever
 * the thread count.
 */
public interface FusedKernel {
    void run(Object[] inputs, int[] inOffsets, Object output, int outOffset, int outer, int inner);

    /**
     * As {@link #run} for a program without reduction, and also the sums over the leading axes of its result (a
     * bias gradient, computed with the values it sums): with the output read as a matrix
     * {@code [outer * inner / width, width]}, {@code sums[sumsOffset + c] = sum_r out[outOffset + r * width + c]},
     * into an array of the output's type, summed in double. A program that broadcasts a ROW or COLUMN input needs
     * {@code width == inner}. The same bits whatever the thread count.
     */
    void runSummingRows(Object[] inputs, int[] inOffsets, Object output, int outOffset, int outer, int inner,
                        int width, Object sums, int sumsOffset);
}
