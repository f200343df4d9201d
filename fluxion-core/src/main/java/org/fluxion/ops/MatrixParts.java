package org.fluxion.ops;

import org.fluxion.tensor.Tensor;

/**
 * Parts of stacks of matrices {@code [..., n, m]}: triangles, diagonals, traces, the batched transpose.
 * Composites of primitives (where with a constant mask, reshape and strided slice), so they need no rules
 * of their own and run under every transformation. The masks select with {@code where}, not by multiplying
 * with zeros, so that an infinity or NaN outside the part kept does not leak into it.
 */
public final class MatrixParts {
    private MatrixParts() {
    }

    /** The transpose of each matrix: {@code [..., n, m] -> [..., m, n]}, a view. */
    public static Tensor mT(Tensor x) {
        requireMatrix("mT", x);
        return x.transpose();
    }

    /** {@code x} with the entries above diagonal {@code k} set to zero ({@code x[i, j]} kept when {@code j - i <= k}). */
    public static Tensor tril(Tensor x, int k) {
        requireMatrix("tril", x);
        return keep(x, mask(x.dim(-2), x.dim(-1), k, true));
    }

    /** {@code x} with the entries below diagonal {@code k} set to zero ({@code x[i, j]} kept when {@code j - i >= k}). */
    public static Tensor triu(Tensor x, int k) {
        requireMatrix("triu", x);
        return keep(x, mask(x.dim(-2), x.dim(-1), k, false));
    }

    /**
     * Diagonal {@code k} of each matrix ({@code x[i, i + k]}; {@code k < 0} below the main diagonal):
     * {@code [..., n, m] -> [..., d]}, {@code d = max(0, min(n + min(k, 0), m - max(k, 0)))}.
     */
    public static Tensor diagonal(Tensor x, int k) {
        requireMatrix("diagonal", x);
        int n = x.dim(-2);
        int m = x.dim(-1);
        int count = Math.max(0, Math.min(n + Math.min(k, 0), m - Math.max(k, 0)));
        Tensor flat = x.flatten(x.rank() - 2, x.rank() - 1);
        if (count == 0) {
            return flat.slice(-1, 0, 0);
        }
        // Entry (i, i + k) sits at i * (m + 1) + k of the flattened matrix (at -k * m + i * (m + 1) below).
        int start = k >= 0 ? k : -k * m;
        return flat.slice(-1, start, start + (count - 1) * (m + 1) + 1, m + 1);
    }

    /** Vectors as diagonal matrices: {@code [..., n] -> [..., n, n]}, {@code y[..., i, i] = x[..., i]}, zero elsewhere. */
    public static Tensor diagEmbed(Tensor x) {
        if (x.rank() < 1) {
            throw new IllegalArgumentException("diagEmbed: needs a vector or a stack of vectors [..., n], got "
                    + x.type());
        }
        int n = x.dim(-1);
        return keep(x.unsqueeze(-1), mask(n, n, 0, true).logicalAnd(mask(n, n, 0, false)));
    }

    /** The sum of each matrix's main diagonal: {@code [..., n, m] -> [...]}. */
    public static Tensor trace(Tensor x) {
        return diagonal(x, 0).sum(-1);
    }

    /** {@code where(mask, x, 0)}: the mask {@code [n, m]} broadcasts over x's leading dimensions. */
    private static Tensor keep(Tensor x, Tensor mask) {
        return Elementwise.where(mask, x, Tensor.scalar(0, x.dtype()));
    }

    /** {@code [n, m]} bool: {@code j - i <= k} (lower) or {@code j - i >= k} (upper). */
    private static Tensor mask(int n, int m, int k, boolean lower) {
        boolean[] b = new boolean[n * m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                b[i * m + j] = lower ? j - i <= k : j - i >= k;
            }
        }
        return Tensor.of(b, n, m);
    }

    private static void requireMatrix(String op, Tensor x) {
        if (x.rank() < 2) {
            throw new IllegalArgumentException(op + ": needs a matrix or a stack of matrices [..., n, m], got "
                    + x.type());
        }
    }
}
