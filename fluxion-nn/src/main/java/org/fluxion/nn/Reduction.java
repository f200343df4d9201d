package org.fluxion.nn;

import org.fluxion.tensor.Tensor;

/** How a loss turns per-sample values into its result. */
public enum Reduction {
    /** The mean over all per-sample values (the default). */
    MEAN,
    /** The sum over all per-sample values. */
    SUM,
    /** The per-sample values themselves. */
    NONE;

    Tensor reduce(Tensor perSample) {
        return switch (this) {
            case MEAN -> perSample.mean();
            case SUM -> perSample.sum();
            case NONE -> perSample;
        };
    }
}
