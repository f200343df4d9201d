/**
 * What generated derivative code calls at run time: the {@link org.fluxion.jvmad.runtime.Tape},
 * plain-Java {@link org.fluxion.jvmad.runtime.Models models} of JDK array methods, and the definition
 * of hidden classes. Public only because generated classes need it; not an API.
 */
package org.fluxion.jvmad.runtime;
