/**
 * Optimizers whose state lives outside the model ({@link org.fluxion.optim.Sgd}, {@link org.fluxion.optim.Adam},
 * {@link org.fluxion.optim.AdamW}, {@link org.fluxion.optim.RmsProp}, {@link org.fluxion.optim.Adagrad}),
 * learning-rate schedules and gradient clipping.
 */
package org.fluxion.optim;
