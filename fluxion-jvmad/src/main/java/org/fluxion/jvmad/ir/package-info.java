/**
 * The register IR that JVM bytecode is read into and that the derivative transforms work on:
 * typed {@link org.fluxion.jvmad.ir.Var variables} instead of an operand stack, basic
 * {@link org.fluxion.jvmad.ir.Block blocks} ending in a {@link org.fluxion.jvmad.ir.Terminator},
 * {@link org.fluxion.jvmad.ir.Insn instructions} including the tape's push and pop, and the error
 * raised for code that cannot be differentiated ({@link org.fluxion.jvmad.ir.NotDifferentiableException}).
 */
package org.fluxion.jvmad.ir;
