/**
 * The traced program: a {@link org.fluxion.jit.ir.Graph} in SSA form of {@link org.fluxion.jit.ir.Equation}s
 * (one primitive each) over {@link org.fluxion.jit.ir.Value}s (inputs, constants, equation outputs);
 * {@link org.fluxion.jit.ir.Trace} records the primitives applied to traced tensors while a function runs
 * (it is their {@link org.fluxion.ops.Interpreter}, a {@link org.fluxion.jit.ir.Value} their state;
 * {@link org.fluxion.jit.ir.Tracing} keeps the thread's current trace), and
 * {@link org.fluxion.jit.ir.Printer} prints graphs in the style of JAX's jaxprs. Nothing here optimizes
 * or runs a graph, except {@link org.fluxion.jit.ir.Graph#evaluate} (interpretation through the rule
 * table).
 *
 * <p>Dependencies: tensor, ops only (the lowest layer of the compiler; passes, exec, jit and transforms
 * build on it).
 */
package org.fluxion.jit.ir;
