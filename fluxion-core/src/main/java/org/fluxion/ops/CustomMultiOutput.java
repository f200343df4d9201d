package org.fluxion.ops;

/**
 * The open door of {@link MultiOutput} for users: a primitive of several outputs with rules of its own, for
 * instance a fused kernel of another module (an LSTM cell returning its hidden and cell states). Anyone may
 * implement it; like every primitive of several outputs it states each rule once for all outputs and is
 * applied with {@link Ops#bindAll}.
 */
public non-sealed interface CustomMultiOutput extends MultiOutput, CustomPrimitive {
}
