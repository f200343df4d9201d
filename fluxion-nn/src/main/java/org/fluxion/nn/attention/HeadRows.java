package org.fluxion.nn.attention;

import org.fluxion.tensor.Tensor;

/**
 * Where the rows of an attention operand lie in its array, head by head: row {@code t} of head {@code n} starts
 * at {@code base[n] + t * stride}, its elements consecutive. An operand {@code [N, T, D]} has {@code N} heads;
 * {@code [B, H, T, D]} has {@code B H}, head {@code n = b H + h}. So the kernels read a view as it lies (the
 * heads of a {@code [B, T, H, D]} projection, transposed) and write their outputs in the layout whose merge
 * back to {@code [B, T, H D]} is a view, instead of copying each operand to a dense {@code [B H, T, D]}.
 */
record HeadRows(int[] base, int stride) {
    int at(int head, int row) {
        return base[head] + row * stride;
    }

    /** The rows of {@code x} ({@code [N, T, D]} or {@code [B, H, T, D]}, unit stride along D) as it lies. */
    static HeadRows of(Tensor x) {
        int rank = x.rank();
        int heads = rank == 4 ? x.dim(1) : 1;
        int[] base = new int[x.dim(0) * heads];
        for (int n = 0; n < base.length; n++) {
            base[n] = x.offset() + n / heads * x.stride(0) + (rank == 4 ? n % heads * x.stride(1) : 0);
        }
        return new HeadRows(base, x.stride(rank - 2));
    }

    /** True when the kernels can read {@code x} as it lies: consecutive elements along its last axis. */
    static boolean readable(Tensor x) {
        return x.dim(-1) <= 1 || x.stride(-1) == 1;
    }
}
