/**
 * Reading static methods' bytecode ({@code java.lang.classfile}) into the IR: block splitting, the
 * verifier-style type fixed point, translation with a symbolic operand stack, resolution of calls
 * (Math functions, models of JDK array methods, user methods read recursively) and of static final
 * constants. Every construct that cannot be differentiated is refused here, with the method, line,
 * bytecode offset and reason.
 */
package org.fluxion.jvmad.read;
