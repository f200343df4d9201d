package org.fluxion.autodiff;

import static org.fluxion.autodiff.PrimitiveSpecs.normal;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.fluxion.autodiff.PrimitiveSpecs.Spec;
import org.fluxion.ops.Cholesky;
import org.fluxion.ops.Determinant;
import org.fluxion.ops.Inverse;
import org.fluxion.ops.Lu;
import org.fluxion.ops.Eigh;
import org.fluxion.ops.MatrixExp;
import org.fluxion.ops.Ops;
import org.fluxion.ops.PseudoInverse;
import org.fluxion.ops.SingularValues;
import org.fluxion.ops.Svd;
import org.fluxion.ops.Qr;
import org.fluxion.ops.SlogDet;
import org.fluxion.ops.Solve;
import org.fluxion.ops.TriangularSolve;
import org.fluxion.ops.WithInfo;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * The spec rows of the linear-algebra primitives ({@link org.fluxion.ops.LinalgPrimitive}): batched inputs
 * (two or three matrices), broadcast batch dimensions where the primitive has two operands, and input
 * domains where each function is smooth (well-conditioned or positive definite matrices).
 */
final class LinalgSpecs {
    private LinalgSpecs() {
    }

    /** {@code [batch..., n, n]}: normal entries plus {@code n} on the diagonal, far from singular. */
    static Tensor wellConditioned(Random r, int... dims) {
        int n = dims[dims.length - 1];
        return normal(r, dims).add(Tensor.eye(n, n, DType.FLOAT64).mul(n));
    }

    /** {@code M M^T + I}: symmetric positive definite, well conditioned. */
    static Tensor positiveDefinite(Random r, int... dims) {
        Tensor m = normal(r, dims);
        int n = dims[dims.length - 1];
        return m.matmul(m.transpose()).add(Tensor.eye(n, n, DType.FLOAT64));
    }

    static List<Spec> all() {
        List<Spec> s = new ArrayList<>();
        // A's batch [2, 1] broadcast against B's [3]: the VJP sums A's cotangent over B's batch.
        s.add(new Spec("Solve", x -> Ops.bind(new Solve(), x[0], x[1]),
                r -> of(wellConditioned(r, 2, 1, 3, 3), normal(r, 3, 3, 2)), 1e-6, 2, true));
        s.add(new Spec("TriangularSolve", x -> Ops.bind(new TriangularSolve(false, true, false), x[0], x[1]),
                r -> of(wellConditioned(r, 2, 3, 3), normal(r, 3, 2)), 1e-6, 2, true));
        s.add(new Spec("TriangularSolve.upperRight", x -> Ops.bind(new TriangularSolve(true, false, false), x[0], x[1]),
                r -> of(wellConditioned(r, 3, 3), normal(r, 2, 4, 3)), 1e-6, 2, true));
        s.add(new Spec("TriangularSolve.upperLeftUnit", x -> Ops.bind(new TriangularSolve(true, true, true), x[0], x[1]),
                r -> of(normal(r, 2, 3, 3), normal(r, 2, 3, 2)), 1e-6, 2, true));
        s.add(new Spec("TriangularSolve.lowerRightUnit", x -> Ops.bind(new TriangularSolve(false, false, true), x[0], x[1]),
                r -> of(normal(r, 3, 3), normal(r, 2, 3)), 1e-6, 2, true));
        // Perturbed in every direction, also non-symmetric ones: the rules are exact for the lower triangle read.
        s.add(new Spec("Cholesky", x -> Ops.bind(new Cholesky(), x[0]), r -> of(positiveDefinite(r, 2, 3, 3)), 1e-6, 2, true));
        s.add(new Spec("Inverse", x -> Ops.bind(new Inverse(), x[0]), r -> of(wellConditioned(r, 2, 3, 3)), 1e-6, 2, true));
        s.add(new Spec("Determinant", x -> Ops.bind(new Determinant(), x[0]), r -> of(wellConditioned(r, 3, 3, 3)), 1e-6, 2, true));
        // The sign enters as a constant factor: a wrong sign changes the value checked against eager and loops.
        s.add(new Spec("SlogDet", x -> {
            Tensor[] t = Ops.bindAll(new SlogDet(), x[0]);
            return t[1].mul(t[0]);
        }, r -> of(wellConditioned(r, 2, 3, 3).mul(Tensor.of(new double[] {1, -1, 1}, 3, 1))), 1e-6, 2, true));
        // Q and R side by side, so that both outputs' rules are checked; tall, wide and square complete.
        s.add(new Spec("Qr", x -> both(Ops.bindAll(new Qr(false), x[0])), r -> of(normal(r, 2, 4, 3)), 1e-6, 2, true));
        s.add(new Spec("Qr.wide", x -> both(Ops.bindAll(new Qr(false), x[0])), r -> of(normal(r, 3, 5)), 1e-6, 2, true));
        s.add(new Spec("Qr.completeSquare", x -> both(Ops.bindAll(new Qr(true), x[0])), r -> of(normal(r, 3, 3)), 1e-6, 2, true));
        // Only R used: Q gets no cotangent.
        s.add(new Spec("Qr.onlyR", x -> Ops.bindAll(new Qr(false), x[0])[1].square(), r -> of(normal(r, 4, 2)), 1e-6, 2, true));
        // Lower triangles read only: perturbed in every direction. Random inputs have distinct eigenvalues.
        s.add(new Spec("Eigh", x -> {
            Tensor[] t = Ops.bindAll(new Eigh(), x[0]);
            return Tensor.concat(-1, t[0], t[1].flatten(t[1].rank() - 2, t[1].rank() - 1));
        }, r -> of(normal(r, 2, 3, 3)), 1e-6, 2, true));
        s.add(new Spec("Eigh.onlyValues", x -> Ops.bindAll(new Eigh(), x[0])[0].square(), r -> of(normal(r, 4, 4)), 1e-6, 2, true));
        s.add(new Spec("Svd", x -> three(Ops.bindAll(new Svd(false), x[0])), r -> of(normal(r, 2, 4, 3)), 1e-6, 2, true));
        // Past SvdKernel.JACOBI_MAX: the factors come from bidiagonalization and bidiagonal QR.
        s.add(new Spec("Svd.bidiagonal", x -> three(Ops.bindAll(new Svd(false), x[0])), r -> of(normal(r, 2, 15, 13)),
                1e-6, 2, true));
        s.add(new Spec("Svd.wide", x -> three(Ops.bindAll(new Svd(false), x[0])), r -> of(normal(r, 2, 5)), 1e-6, 2, true));
        s.add(new Spec("Svd.fullSquare", x -> three(Ops.bindAll(new Svd(true), x[0])), r -> of(normal(r, 3, 3)), 1e-6, 2, true));
        s.add(new Spec("Svd.onlyVh", x -> Ops.bindAll(new Svd(false), x[0])[2].sin(), r -> of(normal(r, 5, 3)), 1e-6, 2, true));
        s.add(new Spec("SingularValues", x -> Ops.bind(new SingularValues(), x[0]), r -> of(normal(r, 2, 3, 4)), 1e-6, 2, true));
        // Small norms (a low Padé degree) and large ones (scaling and squaring).
        s.add(new Spec("MatrixExp", x -> Ops.bind(new MatrixExp(), x[0]), r -> of(normal(r, 2, 3, 3).mul(0.05)), 1e-6, 2, true));
        s.add(new Spec("MatrixExp.scaled", x -> Ops.bind(new MatrixExp(), x[0]), r -> of(normal(r, 3, 3).mul(2)), 1e-6, 2, true));
        s.add(new Spec("PseudoInverse", x -> Ops.bind(new PseudoInverse(1e-12), x[0]), r -> of(normal(r, 2, 4, 3)), 1e-6, 2, true));
        s.add(new Spec("PseudoInverse.wide", x -> Ops.bind(new PseudoInverse(1e-12), x[0]), r -> of(normal(r, 2, 3)), 1e-6, 2, true));
        // P enters as a constant factor: a wrong permutation changes the value checked against eager and loops.
        s.add(new Spec("Lu", x -> {
            Tensor[] t = Ops.bindAll(new Lu(), x[0]);
            return three(new Tensor[] {t[1], t[0].sum(new int[] {-1}, false).mul(2), t[2].mul(t[0].add(1))});
        }, r -> of(normal(r, 2, 3, 3)), 1e-6, 2, true));
        // The exception-free form: the base's rules through the first output; info has none.
        s.add(new Spec("WithInfo", x -> Ops.bindAll(new WithInfo(new Solve()), x[0], x[1])[0],
                r -> of(wellConditioned(r, 2, 3, 3), normal(r, 3, 2)), 1e-6, 2, true));
        s.add(new Spec("WithInfo.cholesky", x -> Ops.bindAll(new WithInfo(new Cholesky()), x[0])[0],
                r -> of(positiveDefinite(r, 2, 3, 3)), 1e-6, 2, true));
        return s;
    }

    /** Three outputs (U, S, Vh) flattened per batch element and joined. */
    static Tensor three(Tensor[] t) {
        return Tensor.concat(-1, t[0].flatten(t[0].rank() - 2, t[0].rank() - 1), t[1],
                t[2].flatten(t[2].rank() - 2, t[2].rank() - 1));
    }

    /** Two stacks of matrices flattened and joined along their last axis. */
    static Tensor both(Tensor[] t) {
        return Tensor.concat(-1, t[0].flatten(t[0].rank() - 2, t[0].rank() - 1), t[1].flatten(t[1].rank() - 2, t[1].rank() - 1));
    }

    private static Tensor[] of(Tensor... t) {
        return t;
    }
}
