package org.fluxion.kernels;

/**
 * What a kernel sees of a tensor: its backing array ({@code float[]}, {@code double[]}, {@code int[]},
 * {@code long[]} or {@code boolean[]}) read through {@code offset} and per-axis {@code strides} (in elements,
 * 0 for a broadcast axis) over the shape {@code dims}. Element {@code [i_0..i_r]} is at
 * {@code offset + sum_k i_k * strides[k]}. Kernels take these, never tensors, so that they depend on nothing
 * above them.
 */
public record Strided(Object array, int offset, int[] dims, int[] strides) {
    /** Elements in the view: the product of {@code dims}. */
    public int size() {
        int n = 1;
        for (int d : dims) n *= d;
        return n;
    }
}
