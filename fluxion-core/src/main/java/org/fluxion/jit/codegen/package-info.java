/**
 * Code generation for fused elementwise programs: an {@code ElementwiseProgram} (a small register program
 * over the inputs of a fused group) becomes a JVM hidden class ({@code BytecodeGenerator}) whose loop calls
 * the vector operations of {@code VectorOps} (written once over {@code Vector<E>}) and of its element type's
 * binding, {@code VF} (float32) or {@code VD} (float64), or runs in the {@code Interpreter}; both evaluate the
 * same formulas as the eager kernels ({@code Scalar}, {@link org.fluxion.kernels.VectorMath}).
 *
 * <p>Dependencies: tensor, ops (the operation enums), kernels.
 */
package org.fluxion.jit.codegen;
