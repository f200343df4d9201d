package org.fluxion.jit.codegen;

/**
 * The serial core of a kernel: one rectangular tile, rows {@code [o0, o1)} by columns {@code [i0, i1)} of a
 * (possibly flattened) iteration space with {@code inner} columns. Without reduction it writes
 * {@code out[outOff + o * inner + i]}; a per-row reduction writes the tile row's partial to
 * {@code acc[accOff + (o - o0)]}; a full reduction writes the tile's partial to {@code acc[accOff]}.
 * Arguments are not checked (the caller has). Implemented by generated hidden classes.
 */
interface TileKernel {
    void run(Object[] ins, int[] offs, Object out, int outOff, int inner, int o0, int o1, int i0, int i1,
             double[] acc, int accOff);
}
