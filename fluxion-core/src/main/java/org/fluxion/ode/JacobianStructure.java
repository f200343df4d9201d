package org.fluxion.ode;

import java.util.Arrays;

/**
 * Which entries of {@code d f / d u} can be nonzero, for large stiff systems (method-of-lines PDEs): a band
 * ({@link #banded}: {@code lower} subdiagonals, {@code upper} superdiagonals) or a general pattern
 * ({@link #sparse}). Given one ({@link OdeProblem#withJacobianStructure}), the stiff solvers build the
 * Jacobian by finite differences over groups of structurally orthogonal columns (Curtis, Powell and Reid,
 * 1974: columns sharing no nonzero row are perturbed together, so a band of width w costs w evaluations of
 * {@code f} instead of n), and BDF and the Rosenbrock methods factor their Newton matrix {@code d I + s J} with
 * a banded LU (its cost {@code n kl (kl + ku)} instead of {@code n^3 / 3}).
 *
 * <p>The columns are grouped greedily in column order: column j gets the first group none of whose columns
 * shares a row with it (optimal, {@code lower + upper + 1} groups, for a band).
 */
public final class JacobianStructure {
    private final int n;
    /** The rows that may be nonzero in each column, ascending. */
    private final int[][] rowsOfColumn;
    private final int lower;
    private final int upper;
    private final int[] groupOf;
    private final int groups;

    private JacobianStructure(int n, int[][] rowsOfColumn) {
        this.n = n;
        this.rowsOfColumn = rowsOfColumn;
        int lo = 0;
        int up = 0;
        for (int j = 0; j < n; j++) {
            for (int i : rowsOfColumn[j]) {
                lo = Math.max(lo, i - j);
                up = Math.max(up, j - i);
            }
        }
        this.lower = lo;
        this.upper = up;
        this.groupOf = new int[n];
        this.groups = color();
    }

    /**
     * A band: {@code J[i][j]} may be nonzero only for {@code -upper <= i - j <= lower}.
     *
     * @throws IllegalArgumentException when a bandwidth is negative or not below n
     */
    public static JacobianStructure banded(int n, int lower, int upper) {
        if (n <= 0 || lower < 0 || upper < 0 || lower >= n || upper >= n) {
            throw new IllegalArgumentException("JacobianStructure.banded: need n > 0 and bandwidths in [0, n), got n = "
                    + n + ", lower = " + lower + ", upper = " + upper);
        }
        int[][] rows = new int[n][];
        for (int j = 0; j < n; j++) {
            int first = Math.max(0, j - upper);
            int last = Math.min(n - 1, j + lower);
            rows[j] = new int[last - first + 1];
            for (int i = first; i <= last; i++) {
                rows[j][i - first] = i;
            }
        }
        return new JacobianStructure(n, rows);
    }

    /**
     * A general pattern: {@code nonzero[i][j]} says whether {@code J[i][j]} may be nonzero ({@code n x n}); the
     * diagonal is always included (the Newton matrix has it).
     */
    public static JacobianStructure sparse(boolean[][] nonzero) {
        int n = nonzero.length;
        if (n == 0) {
            throw new IllegalArgumentException("JacobianStructure.sparse: the pattern is empty");
        }
        int[][] rows = new int[n][];
        int[] buffer = new int[n];
        for (int j = 0; j < n; j++) {
            int count = 0;
            for (int i = 0; i < n; i++) {
                if (nonzero[i].length != n) {
                    throw new IllegalArgumentException("JacobianStructure.sparse: row " + i + " has "
                            + nonzero[i].length + " entries, the pattern needs " + n);
                }
                if (nonzero[i][j] || i == j) {
                    buffer[count++] = i;
                }
            }
            rows[j] = Arrays.copyOf(buffer, count);
        }
        return new JacobianStructure(n, rows);
    }

    /** Greedy Curtis–Powell–Reid grouping; returns the number of groups. */
    private int color() {
        int count = 0;
        java.util.List<boolean[]> rowsTaken = new java.util.ArrayList<>();
        for (int j = 0; j < n; j++) {
            int g = 0;
            for (; g < count; g++) {
                boolean[] taken = rowsTaken.get(g);
                boolean free = true;
                for (int i : rowsOfColumn[j]) {
                    if (taken[i]) {
                        free = false;
                        break;
                    }
                }
                if (free) {
                    break;
                }
            }
            if (g == count) {
                rowsTaken.add(new boolean[n]);
                count++;
            }
            boolean[] taken = rowsTaken.get(g);
            for (int i : rowsOfColumn[j]) {
                taken[i] = true;
            }
            groupOf[j] = g;
        }
        return count;
    }

    /** The state's length n. */
    public int size() {
        return n;
    }

    /** The number of subdiagonals that may be nonzero. */
    public int lower() {
        return lower;
    }

    /** The number of superdiagonals that may be nonzero. */
    public int upper() {
        return upper;
    }

    /** The number of column groups: the RHS evaluations per finite-difference Jacobian. */
    public int groups() {
        return groups;
    }

    /** The group of column j. */
    int groupOf(int j) {
        return groupOf[j];
    }

    /** The rows that may be nonzero in column j (shared, do not modify). */
    int[] rowsOfColumn(int j) {
        return rowsOfColumn[j];
    }

    /**
     * Whether the Newton matrix is worth factoring as a band: its band storage {@code (2 lower + upper + 1) n}
     * is well below the dense {@code n^2}.
     */
    boolean bandedWorthIt() {
        return 3 * (2 * lower + upper + 1) <= n;
    }
}
