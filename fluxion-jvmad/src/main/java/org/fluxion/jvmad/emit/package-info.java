/** Writing IR functions as the static methods of one class file ({@code java.lang.classfile}). */
package org.fluxion.jvmad.emit;
