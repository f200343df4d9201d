package org.fluxion.nn;

import java.util.Map;
import java.util.random.RandomGenerator;
import org.fluxion.linalg.Linalg;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.transforms.Implicit;

/**
 * A deep equilibrium layer (Bai, Kolter and Koltun, "Deep Equilibrium Models", 2019): the output is the fixed
 * point {@code z* = tanh(z* W^T + x U^T + b)}, an infinitely deep weight-tied network evaluated by iterating
 * to convergence, and differentiated by the implicit function theorem ({@link Implicit#fixedPoint}): the
 * backward pass is one adjoint solve by GMRES on VJP products, whatever the number of forward iterations, and
 * memory does not grow with them.
 *
 * <p>Shapes: input {@code [batch, in]}, W {@code [hidden, hidden]}, U {@code [hidden, in]}, b {@code [hidden]},
 * output {@code [batch, hidden]}. The map is kept a contraction, so that the fixed point exists, is unique and
 * the iteration converges from {@code z = 0} however training moves W: the W used is the parameter scaled to
 * a Frobenius norm of at most {@value #CONTRACTION} ({@code W * min(1, 0.9 / ||W||_F)}, differentiable), which
 * bounds its spectral norm, and tanh's slope is at most 1. W starts with entries of
 * {@code N(0, (0.25 / sqrt(hidden))^2)}.
 */
public final class DeqLayer extends Module {
    private final Tensor weight;
    private final Tensor inputWeight;
    private final Tensor bias;
    private final Implicit.RootOptions options;

    /** The bound on the Frobenius norm of the W used, hence on the Lipschitz constant of the map. */
    public static final double CONTRACTION = 0.9;

    /** A layer over the given tensors, which are marked as requiring grad, solved as {@code options} say. */
    public DeqLayer(Tensor weight, Tensor inputWeight, Tensor bias, Implicit.RootOptions options) {
        int h = weight.rank() == 2 ? weight.dim(0) : -1;
        if (h < 0 || weight.dim(1) != h || inputWeight.rank() != 2 || inputWeight.dim(0) != h || bias.rank() != 1
                || bias.dim(0) != h) {
            throw new IllegalArgumentException("DeqLayer: expected W [h, h], U [h, in], b [h], got W " + weight.shape()
                    + ", U " + inputWeight.shape() + ", b " + bias.shape());
        }
        this.weight = weight.requiresGrad(true);
        this.inputWeight = inputWeight.requiresGrad(true);
        this.bias = bias.requiresGrad(true);
        this.options = options;
    }

    /**
     * A layer {@code in -> hidden} of the given dtype, iterated to {@code ||f(z) - z|| <= tol} (at most 1000
     * iterations: the contraction weakens as training grows W), with the matrix-free adjoint.
     */
    public DeqLayer(int in, int hidden, DType dtype, double tol, RandomGenerator rng) {
        this(Init.normal(rng, 0.25 / Math.sqrt(hidden), dtype, hidden, hidden), Init.uniformFanIn(rng, in, dtype, hidden, in),
                Init.zeros(dtype, hidden), new Implicit.RootOptions(Implicit.RootMethod.FIXED_POINT_ITERATION, tol, 1000,
                        Implicit.Adjoint.GMRES));
    }

    @Override
    public Tensor apply(Tensor x) {
        if (x.rank() != 2 || x.dim(1) != inputWeight.dim(1)) {
            throw badInput("[batch, " + inputWeight.dim(1) + "]", x);
        }
        Tensor z0 = Tensor.zeros(x.dtype(), x.dim(0), weight.dim(0));
        Tensor scale = Linalg.matrixNorm(weight).reciprocal().mul(CONTRACTION).minimum(1);
        return Implicit.fixedPoint((z, p) -> z.matmul(p[0].transpose()).add(p[3].matmul(p[1].transpose())).add(p[2]).tanh(),
                z0, new Tensor[] {weight.mul(scale), inputWeight, bias, x}, options);
    }

    @Override
    protected Map<String, Tensor> ownParameters() {
        return named("weight", weight, "inputWeight", inputWeight, "bias", bias);
    }

    @Override
    public String toString() {
        return "DeqLayer " + inputWeight.dim(1) + "->" + weight.dim(0);
    }
}
