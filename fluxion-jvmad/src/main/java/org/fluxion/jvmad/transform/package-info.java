/**
 * The derivative transforms on the IR: forward mode ({@link org.fluxion.jvmad.transform.ForwardTransform}
 * tangent functions), reverse mode ({@link org.fluxion.jvmad.transform.ReverseTransform}: an augmented
 * forward that records on a tape and an adjoint that walks back), the partial derivatives of Math
 * functions, the registry that makes each derivative once ({@link org.fluxion.jvmad.transform.Derivatives}),
 * and the entry points the API calls ({@link org.fluxion.jvmad.transform.EntryPoints}).
 */
package org.fluxion.jvmad.transform;
