/**
 * Code generation for fused elementwise programs: an {@code ElementwiseProgram} (a small register program
 * over the inputs of a fused group) becomes a JVM hidden class ({@code BytecodeGenerator}) whose loop calls
 * the vector operations of {@code VF} (float32) and {@code VD} (float64), or runs in the {@code Interpreter};
 * both evaluate the same formulas as the eager kernels ({@code Scalar}, {@link org.fluxion.kernels.VectorMath}).
 *
 * <p>Dependencies: tensor, ops (the operation enums), kernels.
 */
package org.fluxion.jit.codegen;
