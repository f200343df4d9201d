package org.fluxion.models;

/**
 * Marks a record of tensors that a layer keeps but does not train (batch normalization's running
 * statistics): {@link Models#parameters} leaves its leaves out, so optimizers never see them, while the
 * record stays in the model's tree, saved by checkpoints and carried through a compiled step.
 */
public interface State {
}
