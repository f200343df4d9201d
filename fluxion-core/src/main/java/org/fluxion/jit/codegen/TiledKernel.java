package org.fluxion.jit.codegen;

import org.fluxion.jit.codegen.ElementwiseProgram.Access;
import org.fluxion.jit.codegen.ElementwiseProgram.Reduction;
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
        boolean broadcastsRows = false;
        for (int j = 0; j < p.inputCount(); j++) {
            Access a = p.inputAccess(j);
            broadcastsRows |= a == Access.ROW || a == Access.COLUMN;
        }
        this.flat = !broadcastsRows && !red.perRow();
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
