package org.fluxion.ops;

/**
 * The dense linear-algebra primitives (factorizations, solves, inverses, determinants): each works on stacks
 * of matrices {@code [..., n, n]} whose leading dimensions are a batch (broadcast between operands as
 * {@link MatMul}'s), so that its batching rule is the primitive itself on one more batch dimension. Their
 * derivative rules are the closed-form results of matrix calculus (Giles, "An extended collection of matrix
 * derivative results for forward and reverse mode automatic differentiation", 2008; Murray, "Differentiation
 * of the Cholesky decomposition", 2016), written with these primitives and matmul, so that they differentiate
 * again. Kernels compute in float64; float32 operands are rounded once at the end.
 */
public sealed interface LinalgPrimitive extends Primitive
        permits FalliblePrimitive, WithInfo, TriangularSolve, Determinant, SlogDet, Qr, Eigh, Svd,
        SingularValues, MatrixExp, PseudoInverse, Lu {
}
