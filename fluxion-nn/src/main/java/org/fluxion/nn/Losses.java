package org.fluxion.nn;

import org.fluxion.tensor.Tensor;

/**
 * Loss functions as differentiable tensor expressions. Each reduces with {@link Reduction#MEAN} unless a
 * reduction is given; {@code NONE} returns the per-element (regression) or per-sample (classification)
 * losses. Prediction and target shapes must match exactly (no broadcasting, which hides bugs such as a
 * {@code [B, 1]} prediction against a {@code [B]} target); a mismatch names both shapes.
 */
public final class Losses {
    /** The default clipping of probabilities in {@link #binaryCrossEntropy(Tensor, Tensor)}. */
    public static final double PROBABILITY_EPS = 1e-7;

    private Losses() {
    }

    /** Mean squared error: {@code mean((p - y)^2)}. */
    public static Tensor mse(Tensor prediction, Tensor target) {
        return mse(prediction, target, Reduction.MEAN);
    }

    public static Tensor mse(Tensor prediction, Tensor target, Reduction reduction) {
        sameShape("mse", prediction, target);
        return reduction.reduce(prediction.sub(target).square());
    }

    /** Mean absolute error: {@code mean(|p - y|)}. */
    public static Tensor mae(Tensor prediction, Tensor target) {
        return mae(prediction, target, Reduction.MEAN);
    }

    public static Tensor mae(Tensor prediction, Tensor target, Reduction reduction) {
        sameShape("mae", prediction, target);
        return reduction.reduce(prediction.sub(target).abs());
    }

    /**
     * Huber loss with threshold {@code delta} (PyTorch's {@code huber_loss}): with {@code d = p - y},
     * {@code 0.5 d^2} where {@code |d| <= delta}, else {@code delta (|d| - 0.5 delta)}.
     */
    public static Tensor huber(Tensor prediction, Tensor target, double delta) {
        return huber(prediction, target, delta, Reduction.MEAN);
    }

    public static Tensor huber(Tensor prediction, Tensor target, double delta, Reduction reduction) {
        sameShape("huber", prediction, target);
        Tensor d = prediction.sub(target);
        Tensor a = d.abs();
        Tensor quadratic = d.square().mul(0.5);
        Tensor linear = a.sub(0.5 * delta).mul(delta);
        return reduction.reduce(Tensor.where(a.le(delta), quadratic, linear));
    }

    /** Cross-entropy from logits {@code [B, C]}; see {@link #crossEntropy(Tensor, Tensor, double, Reduction)}. */
    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        return crossEntropy(logits, target, 0, Reduction.MEAN);
    }

    /**
     * Cross-entropy from logits {@code [B, C]}: {@code -sum_c t_c log softmax(z)_c} per sample, computed
     * with log-softmax so that huge logits neither overflow nor give {@code log 0}.
     *
     * <p>{@code target} is either integer class labels {@code [B]} (int32/int64, each in {@code [0, C)}) or
     * probabilities / one-hot rows {@code [B, C]}. With label smoothing {@code s} the target becomes
     * {@code (1 - s) t + s / C} (PyTorch's {@code label_smoothing}).
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target, double labelSmoothing, Reduction reduction) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("crossEntropy: logits must be [B, C], got " + logits.shape());
        }
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("crossEntropy: label smoothing must be in [0, 1], got " + labelSmoothing);
        }
        int classes = logits.dim(1);
        Tensor logProbabilities = logits.logSoftmax(1);
        Tensor t;
        if (!target.dtype().isFloatingPoint()) {
            if (target.rank() != 1 || target.dim(0) != logits.dim(0)) {
                throw new IllegalArgumentException("crossEntropy: class labels must be [" + logits.dim(0)
                        + "] for logits " + logits.shape() + ", got " + target.shape());
            }
            t = Tensor.oneHot(target, classes).to(logProbabilities.dtype());
        } else {
            sameShape("crossEntropy", logits, target);
            t = target;
        }
        if (labelSmoothing > 0) {
            t = t.mul(1 - labelSmoothing).add(labelSmoothing / classes);
        }
        return reduction.reduce(t.mul(logProbabilities).sum(1).neg());
    }

    /**
     * Binary cross-entropy (log loss) from logits, any shape, targets in {@code [0, 1]}, in the stable
     * form {@code max(x, 0) - x y + log(1 + exp(-|x|))} (no overflow for any finite logit).
     */
    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor target) {
        return binaryCrossEntropyWithLogits(logits, target, Reduction.MEAN);
    }

    public static Tensor binaryCrossEntropyWithLogits(Tensor logits, Tensor target, Reduction reduction) {
        sameShape("binaryCrossEntropyWithLogits", logits, target);
        Tensor loss = logits.relu().sub(logits.mul(target)).add(logits.abs().neg().exp().log1p());
        return reduction.reduce(loss);
    }

    /**
     * Binary cross-entropy from probabilities {@code p}: {@code -(y log p + (1 - y) log(1 - p))} with
     * {@code p} clipped to {@code [eps, 1 - eps]} ({@link #PROBABILITY_EPS}) so that a saturated sigmoid
     * gives a large finite loss instead of infinity.
     */
    public static Tensor binaryCrossEntropy(Tensor probabilities, Tensor target) {
        return binaryCrossEntropy(probabilities, target, PROBABILITY_EPS, Reduction.MEAN);
    }

    public static Tensor binaryCrossEntropy(Tensor probabilities, Tensor target, double eps, Reduction reduction) {
        sameShape("binaryCrossEntropy", probabilities, target);
        Tensor p = probabilities.clamp(eps, 1 - eps);
        Tensor loss = target.mul(p.log()).add(target.neg().add(1).mul(p.neg().add(1).log())).neg();
        return reduction.reduce(loss);
    }

    /** Hinge loss for scores and labels in {@code {-1, 1}}: {@code mean(max(0, 1 - y s))}. */
    public static Tensor hinge(Tensor scores, Tensor labels) {
        return hinge(scores, labels, Reduction.MEAN);
    }

    public static Tensor hinge(Tensor scores, Tensor labels, Reduction reduction) {
        sameShape("hinge", scores, labels);
        return reduction.reduce(labels.mul(scores).neg().add(1).relu());
    }

    private static void sameShape(String loss, Tensor prediction, Tensor target) {
        if (!prediction.shape().equals(target.shape())) {
            throw new IllegalArgumentException(loss + ": prediction shape " + prediction.shape()
                    + " and target shape " + target.shape() + " differ");
        }
    }
}
