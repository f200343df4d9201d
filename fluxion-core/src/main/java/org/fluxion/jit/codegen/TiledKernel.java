package org.fluxion.jit.codegen;

import org.fluxion.jit.codegen.ElementwiseProgram.Reduction;
import org.fluxion.kernels.FloatReduce;
import org.fluxion.kernels.Parallel;
import org.fluxion.ops.UnaryOp;

/**
 * A {@link FusedKernel} that cuts the iteration space into tiles of about {@link #TILE} elements, runs a
 * {@link TileKernel} on each, in parallel over {@link Parallel#forRange} for large spaces, and folds the
 * reductions' per-tile partials in double precision in tile order. The tiling does not depend on the thread
 * count, so results are bitwise the same with any number of threads.
 *
 * <p>A program with no ROW or COLUMN input and no per-row reduction is run on the flattened space
 * {@code [1, outer * inner]}, so that rows do not cut its vector loop. A tile is either a run of whole rows
 * (short rows) or one row's block of {@link #TILE} columns (long rows).
 */
final class TiledKernel implements FusedKernel {
    /** Elements per tile: a multiple of every vector length; float sums stay float over at most this many. */
    static final int TILE = 4096;
    /** Elements per parallel chunk (a thread hand-off costs more than a smaller chunk saves). */
    static final int GRAIN = 1 << 16;
    /**
     * Elements per parallel chunk of a program applying transcendental functions ({@link UnaryOp#transcendental}):
     * an erf or exp costs ten to twenty times an add per element, so chunks of a GELU are an eighth as long.
     */
    static final int TRANSCENDENTAL_GRAIN = GRAIN >> 3;

    /**
     * Columns per tile of a row sum at most: a tile of {@link FloatReduce#COL_BLOCK} rows of them (64 KB of
     * float32) is folded while it is still in cache.
     */
    static final int SUM_COLUMNS = 256;

    private final ElementwiseProgram p;
    private final TileKernel tile;
    private final boolean flat;
    private final Reduction red;
    private final boolean f32;
    /** Elements per parallel chunk: {@link #GRAIN}, or {@link #TRANSCENDENTAL_GRAIN}. */
    private final int grainElements;

    TiledKernel(ElementwiseProgram p, TileKernel tile) {
        this.p = p;
        this.tile = tile;
        this.red = p.reduction();
        this.flat = p.rowBroadcastInput() < 0 && !red.perRow();
        this.f32 = p.dtype() == org.fluxion.tensor.DType.FLOAT32;
        boolean costly = false;
        for (ElementwiseProgram.Instr in : p.instructions()) {
            costly |= in.op() instanceof UnaryOp u && u.transcendental();
        }
        this.grainElements = costly ? TRANSCENDENTAL_GRAIN : GRAIN;
    }

    @Override
    public void run(Object[] inputs, int[] inOffsets, Object output, int outOffset, int outer, int inner) {
        KernelArgs.check(p, inputs, inOffsets, output, outOffset, outer, inner);
        int rows = flat ? 1 : outer;
        int cols = flat ? outer * inner : inner;
        if (rows == 0 || cols == 0) {
            empty(output, outOffset, outer);
            return;
        }
        int colBlocks = cols > TILE ? (cols + TILE - 1) / TILE : 1;
        int rowsPerTile = cols >= TILE ? 1 : Math.max(1, TILE / cols);
        int rowTiles = (rows + rowsPerTile - 1) / rowsPerTile;
        long tilesLong = (long) rowTiles * colBlocks;
        int tiles = (int) tilesLong;
        long tileElems = (long) Math.min(rows, rowsPerTile) * Math.min(cols, TILE);
        int grain = (int) Math.max(1, grainElements / tileElems);
        double[] acc = switch (red) {
            case NONE -> null;
            case SUM_INNER, MAX_INNER -> new double[rows * colBlocks];
            case SUM_ALL, MAX_ALL -> new double[tiles];
        };
        if (tiles == 1) {
            // One tile (a small space): no hand-off to the worker team, no closure.
            tile.run(inputs, inOffsets, output, outOffset, cols, 0, rows, 0, cols, acc, 0);
        } else {
            Parallel.forRange(tiles, grain, (t0, t1) -> {
                for (int t = t0; t < t1; t++) {
                    int rt = t / colBlocks;
                    int cb = t - rt * colBlocks;
                    int o0 = rt * rowsPerTile;
                    int o1 = Math.min(rows, o0 + rowsPerTile);
                    int i0 = cb * TILE;
                    int i1 = colBlocks == 1 ? cols : Math.min(cols, i0 + TILE);
                    int accOff = red.all() ? t : o0 * colBlocks + cb;
                    tile.run(inputs, inOffsets, output, outOffset, cols, o0, o1, i0, i1, acc, accOff);
                }
            });
        }
        if (red == Reduction.NONE) {
            return;
        }
        boolean sum = red.sum();
        if (red.perRow()) {
            for (int o = 0; o < rows; o++) {
                double r = acc[o * colBlocks];
                for (int cb = 1; cb < colBlocks; cb++) {
                    r = sum ? r + acc[o * colBlocks + cb] : Math.max(r, acc[o * colBlocks + cb]);
                }
                store(output, outOffset + o, r);
            }
        } else {
            double r = acc[0];
            for (int t = 1; t < tiles; t++) {
                r = sum ? r + acc[t] : Math.max(r, acc[t]);
            }
            store(output, outOffset, r);
        }
    }

    /**
     * Tiles of whole blocks of {@link FloatReduce#COL_BLOCK} rows (several per tile when rows are short) by at most
     * {@link #SUM_COLUMNS} columns: each tile runs the program, then folds each of its row blocks into that block's
     * own partial sums while the values are in cache; the partials are added in block order at the end. The
     * blocking does not depend on the thread count, and in float32 each block is summed by
     * {@link FloatReduce#sumRows}, so the sums have the bits of {@link org.fluxion.ops.Reduce}'s eager sum over
     * axis 0 of a small matrix (which folds the same blocks into one accumulator, in order).
     */
    @Override
    public void runSummingRows(Object[] inputs, int[] inOffsets, Object output, int outOffset, int outer, int inner,
                               int width, Object sums, int sumsOffset) {
        KernelArgs.check(p, inputs, inOffsets, output, outOffset, outer, inner);
        KernelArgs.checkRowSums(p, output, outOffset, outer, inner, width, sums, sumsOffset);
        int rows = outer * inner / width;
        int blocks = (rows + FloatReduce.COL_BLOCK - 1) / FloatReduce.COL_BLOCK;
        int colBlock = Math.min(width, SUM_COLUMNS);
        int colBlocks = (width + colBlock - 1) / colBlock;
        int blocksPerTile = Math.max(1, TILE / (FloatReduce.COL_BLOCK * colBlock));
        int tiles = (blocks + blocksPerTile - 1) / blocksPerTile * colBlocks;
        double[] acc = new double[blocks * width];
        long tileElems = (long) Math.min(rows, blocksPerTile * FloatReduce.COL_BLOCK) * colBlock;
        int grain = (int) Math.max(1, grainElements / Math.max(1, tileElems));
        if (tiles == 1) {
            sumTile(0, colBlocks, blocksPerTile, colBlock, rows, width, inputs, inOffsets, output, outOffset, acc);
        } else if (tiles > 1) {
            Parallel.forRange(tiles, grain, (t0, t1) -> {
                for (int t = t0; t < t1; t++) {
                    sumTile(t, colBlocks, blocksPerTile, colBlock, rows, width, inputs, inOffsets, output, outOffset,
                            acc);
                }
            });
        }
        for (int c = 0; c < width; c++) {
            double s = 0;
            for (int b = 0; b < blocks; b++) {
                s += acc[b * width + c];
            }
            store(sums, sumsOffset + c, s);
        }
    }

    /** Runs tile {@code t} of {@link #runSummingRows} and folds its row blocks into {@code acc[block * width + c]}. */
    private void sumTile(int t, int colBlocks, int blocksPerTile, int colBlock, int rows, int width, Object[] inputs,
                         int[] inOffsets, Object output, int outOffset, double[] acc) {
        int rt = t / colBlocks;
        int cb = t - rt * colBlocks;
        int r0 = rt * blocksPerTile * FloatReduce.COL_BLOCK;
        int r1 = Math.min(rows, r0 + blocksPerTile * FloatReduce.COL_BLOCK);
        int c0 = cb * colBlock;
        int c1 = Math.min(width, c0 + colBlock);
        if (flat && colBlocks == 1) { // whole rows lie end to end: one run, not a vector loop per short row
            tile.run(inputs, inOffsets, output, outOffset, rows * width, 0, 1, r0 * width, r1 * width, null, 0);
        } else {
            tile.run(inputs, inOffsets, output, outOffset, width, r0, r1, c0, c1, null, 0);
        }
        for (int b0 = r0; b0 < r1; b0 += FloatReduce.COL_BLOCK) {
            int n = Math.min(FloatReduce.COL_BLOCK, r1 - b0);
            int at = b0 / FloatReduce.COL_BLOCK * width + c0;
            if (f32) {
                FloatReduce.sumRows((float[]) output, outOffset + b0 * width + c0, n, width, c1 - c0, acc, at);
            } else {
                double[] o = (double[]) output;
                for (int r = 0; r < n; r++) {
                    for (int c = 0, q = outOffset + (b0 + r) * width + c0; c < c1 - c0; c++, q++) {
                        acc[at + c] += o[q];
                    }
                }
            }
        }
    }

    /** The outputs of an empty iteration space: nothing, or the reduction's identity. */
    private void empty(Object output, int outOffset, int outer) {
        double id = red.sum() ? 0 : Double.NEGATIVE_INFINITY;
        if (red.perRow()) {
            for (int o = 0; o < outer; o++) store(output, outOffset + o, id);
        } else if (red.all()) {
            store(output, outOffset, id);
        }
    }

    private void store(Object out, int idx, double v) {
        if (f32) {
            ((float[]) out)[idx] = (float) v;
        } else {
            ((double[]) out)[idx] = v;
        }
    }
}
