package org.fluxion.ode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Banded and sparse Jacobians: the column grouping, the grouped finite differences against the dense ones,
 * and the Brusselator PDE solved by the stiff methods with a declared band: the dense solution, far fewer
 * RHS evaluations per Jacobian.
 */
class StructuredJacobianTest {
    @Test
    void aBandNeedsItsWidthInGroups() {
        JacobianStructure band = JacobianStructure.banded(40, 2, 3);
        assertEquals(6, band.groups());
        assertEquals(2, band.lower());
        assertEquals(3, band.upper());
        for (int j = 0; j < 40; j++) {
            assertEquals(j % 6, band.groupOf(j), "column " + j);
        }
        assertThrows(IllegalArgumentException.class, () -> JacobianStructure.banded(4, 4, 0));
    }

    /** An arrow pattern (dense last row and column): the last column needs its own group, the others share. */
    @Test
    void aSparsePatternGroupsOrthogonalColumns() {
        int n = 10;
        boolean[][] arrow = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            arrow[n - 1][i] = true;
            arrow[i][n - 1] = true;
        }
        JacobianStructure s = JacobianStructure.sparse(arrow);
        // every column has row n-1, so no two columns are orthogonal
        assertEquals(n, s.groups());
        boolean[][] diagonal = new boolean[n][n];
        assertEquals(1, JacobianStructure.sparse(diagonal).groups());
        boolean[][] twoBlocks = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            twoBlocks[i][i ^ 1] = true;
        }
        assertEquals(2, JacobianStructure.sparse(twoBlocks).groups());
        assertEquals(n - 1, s.lower());
        assertEquals(n - 1, s.upper());
    }

    /** Grouped finite differences give the dense finite-difference Jacobian, entry by entry. */
    @Test
    void groupedDifferencesMatchTheDenseOnes() {
        OdeProblem dense = ProblemLibrary.brusselator(15);
        int n = dense.size();
        OdeProblem banded = dense.withJacobianStructure(JacobianStructure.banded(n, 2, 2));
        double[] u = dense.u0().clone();
        for (int i = 0; i < n; i++) {
            u[i] += 0.1 * Math.sin(3 * i);
        }
        double[][] jacobians = new double[2][n * n];
        long[] evaluations = new long[2];
        OdeProblem[] problems = {dense, banded};
        for (int k = 0; k < 2; k++) {
            Counters counters = new Counters();
            Rhs rhs = new Rhs(problems[k].f(), problems[k].p(), counters);
            double[] fu = new double[n];
            rhs.evaluate(fu, u, 0);
            new Jacobians(problems[k], rhs).jacobian(jacobians[k], 0, u, fu);
            evaluations[k] = counters.rhsEvaluations - 1;
        }
        assertEquals(n, evaluations[0]);
        assertEquals(5, evaluations[1]);
        for (int i = 0; i < n * n; i++) {
            assertEquals(jacobians[0][i], jacobians[1][i], 1e-12 * (1 + Math.abs(jacobians[0][i])), "entry " + i);
        }
    }

    /** Brusselator with 100 grid points (n = 200): each stiff method gives the dense solution with the band. */
    @Test
    void brusselatorBandedMatchesDense() {
        OdeProblem dense = ProblemLibrary.brusselator(100);
        OdeProblem banded = dense.withJacobianStructure(JacobianStructure.banded(dense.size(), 2, 2));
        SolverOptions o = SolverOptions.defaults().withTolerances(1e-6, 1e-8);
        for (Method m : new Method[] {Method.BDF, Method.RODAS4, Method.ROSENBROCK23, Method.RADAU5}) {
            Solution a = Ode.solve(dense, m, o);
            Solution b = Ode.solve(banded, m, o);
            double worst = 0;
            for (int i = 0; i < dense.size(); i++) {
                worst = Math.max(worst, Math.abs(a.last()[i] - b.last()[i]) / (1e-8 + Math.abs(a.last()[i])));
            }
            assertTrue(worst < 1e-5, m + ": banded differs from dense by " + worst + "\n  dense  " + a.statistics()
                    + "\n  banded " + b.statistics());
            long denseCost = a.statistics().rhsEvaluations();
            long bandedCost = b.statistics().rhsEvaluations();
            long jacobians = b.statistics().jacobianEvaluations();
            assertTrue(bandedCost + (dense.size() - 5) * jacobians / 2 < denseCost, m + ": RHS evaluations "
                    + bandedCost + " banded vs " + denseCost + " dense\n  dense  " + a.statistics() + "\n  banded "
                    + b.statistics());
        }
    }

    /**
     * Larger grids run with the band only (a dense LU of n = 1000 per step would dominate the test suite): BDF
     * against Radau5, whose complex Newton system is then a banded LU of the interleaved real form.
     */
    @Test
    void brusselatorFiveHundredPoints() {
        OdeProblem p = ProblemLibrary.brusselator(500);
        p = p.withJacobianStructure(JacobianStructure.banded(p.size(), 2, 2));
        Solution coarse = Ode.solve(p, Method.BDF, SolverOptions.defaults().withTolerances(1e-6, 1e-8));
        Solution fine = Ode.solve(p, Method.RADAU5, SolverOptions.defaults().withTolerances(1e-9, 1e-11));
        double worst = 0;
        for (int i = 0; i < p.size(); i++) {
            worst = Math.max(worst, Math.abs(coarse.last()[i] - fine.last()[i]) / Math.abs(fine.last()[i]));
        }
        assertTrue(worst < 1e-4, "BDF at 1e-6 vs Radau5 at 1e-9: " + worst + " " + coarse.statistics());
        assertEquals(p.size(), p.structure().size());
    }

    /**
     * Fisher's reaction-diffusion {@code u' = c (u_{i-1} - 2 u_i + u_{i+1}) + u (1 - u)} (zero at both ends) as
     * a tensor field: tridiagonal Jacobian.
     */
    private static final TensorField FISHER = (u, t, params) -> {
        int n = u.dims()[0];
        Tensor zero = Tensor.zeros(DType.FLOAT64, 1);
        Tensor left = Tensor.concat(0, zero, u.slice(0, 0, n - 1));
        Tensor right = Tensor.concat(0, u.slice(0, 1, n), zero);
        Tensor diffusion = left.add(right).sub(u.mul(2)).mul(params[0]);
        return diffusion.add(u.sub(u.mul(u)));
    };

    /** Colored forward-mode AD: 3 JVPs give the tridiagonal Jacobian of jacfwd's n, and the same solution. */
    @Test
    void coloredForwardModeMatchesTheFullJacobian() {
        int n = 60;
        double[] u0 = new double[n];
        for (int i = 0; i < n; i++) {
            u0[i] = Math.exp(-Math.pow((i - n / 2.0) / 5, 2));
        }
        TensorOde ode = TensorOde.of(FISHER, Tensor.zeros(DType.FLOAT64, n), Tensor.zeros(DType.FLOAT64, 1));
        Tensor[] params = {Tensor.of(new double[] {0.5 * (n + 1) * (n + 1) / 100.0}, 1)};
        Tensor start = Tensor.of(u0, n);
        JacobianStructure band = JacobianStructure.banded(n, 1, 1);
        assertEquals(3, band.groups());
        OdeProblem full = ode.problem(start, params, 0, 5);
        OdeProblem colored = ode.problem(start, params, 0, 5, band);
        double[] expected = new double[n * n];
        double[] got = new double[n * n];
        full.jacobian().evaluate(expected, u0, full.p(), 0.3);
        colored.jacobian().evaluate(got, u0, colored.p(), 0.3);
        for (int i = 0; i < n * n; i++) {
            assertEquals(expected[i], got[i], 1e-12 * (1 + Math.abs(expected[i])), "entry " + i);
        }
        SolverOptions o = SolverOptions.defaults().withTolerances(1e-8, 1e-10);
        for (Method m : new Method[] {Method.BDF, Method.RADAU5, Method.RODAS4}) {
            double[] a = Ode.solve(full, m, o).last();
            double[] b = Ode.solve(colored, m, o).last();
            for (int i = 0; i < n; i++) {
                assertEquals(a[i], b[i], 1e-7 * (1e-3 + Math.abs(a[i])), m + " component " + i);
            }
        }
    }
}
