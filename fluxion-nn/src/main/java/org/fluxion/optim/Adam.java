package org.fluxion.optim;

import static org.fluxion.tensor.TensorInternals.storage;

import java.util.List;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Adam (Kingma and Ba) with bias correction, PyTorch's formulas: with {@code g = grad + wd p} (L2 weight
 * decay, coupled), {@code m = b1 m + (1 - b1) g}, {@code v = b2 v + (1 - b2) g^2} and step count t,
 * {@code p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)}. State: {@code exp_avg},
 * {@code exp_avg_sq}, {@code step}. {@link AdamW} decouples the decay instead.
 *
 * <p>Computed by {@code chain(addDecayedWeights(wd), Transformations.adam(lr, b1, b2, eps))} (coupled) or
 * {@code Transformations.adamw(lr, b1, b2, eps, wd)} (decoupled); a dense float32 parameter is updated instead
 * by {@link AdamKernel}, the same formula fused into one pass in place (tested to agree to float32 rounding).
 */
public class Adam extends Optimizer {
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final boolean decoupled;

    /** Betas 0.9 and 0.999, eps 1e-8, no weight decay (PyTorch's and Keras's defaults, Flux's eps aside). */
    public Adam(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-8, 0);
    }

    public Adam(double learningRate, double beta1, double beta2, double eps, double weightDecay) {
        this(learningRate, beta1, beta2, eps, weightDecay, false);
    }

    Adam(double learningRate, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        super(learningRate);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
    }

    @Override
    protected final GradientTransformation transformation(double learningRate) {
        return decoupled ? Transformations.adamw(learningRate, beta1, beta2, eps, weightDecay)
                : GradientTransformation.chain(Transformations.addDecayedWeights(weightDecay),
                        Transformations.adam(learningRate, beta1, beta2, eps));
    }

    @Override
    protected final List<String> stateSlots() {
        return List.of("step", "exp_avg", "exp_avg_sq");
    }

    /** The fused kernel for a dense float32 parameter and gradient, else the transformation. */
    @Override
    protected final void update(String name, Tensor p, Tensor grad) {
        if (!fusable(p, grad)) {
            super.update(name, p, grad);
            return;
        }
        long t = nextStep(name);
        double lr = learningRate();
        Tensor g = grad;
        if (weightDecay != 0) {
            if (decoupled) {
                p.mulInPlace(1 - lr * weightDecay);
            } else {
                g = g.add(p.mul(weightDecay));
            }
        }
        double bias1 = 1 - Math.pow(beta1, t);
        double bias2 = 1 - Math.pow(beta2, t);
        Tensor m = dense(name, "exp_avg", p);
        Tensor v = dense(name, "exp_avg_sq", p);
        AdamKernel.step(storage(p).floats(), p.offset(), storage(g).floats(), g.offset(),
                storage(m).floats(), m.offset(), storage(v).floats(), v.offset(), p.size(),
                beta1, beta2, (float) eps, (float) (lr / bias1), (float) (1 / Math.sqrt(bias2)));
        storage(p).bumpVersion();
    }

    /** Dense float32 parameter and gradient, which the fused kernel updates in place. */
    private static boolean fusable(Tensor p, Tensor g) {
        return p.dtype() == DType.FLOAT32 && g.dtype() == DType.FLOAT32 && p.isContiguous() && g.isContiguous();
    }

    /** The moment slot as a dense tensor owned by this optimizer (created, or made dense once). */
    private Tensor dense(String name, String slot, Tensor like) {
        Tensor t = state(name, slot, like);
        if (!t.isContiguous() || t.dtype() != DType.FLOAT32) {
            t = t.contiguous().to(DType.FLOAT32);
        }
        putState(name, slot, t);
        return t;
    }
}
