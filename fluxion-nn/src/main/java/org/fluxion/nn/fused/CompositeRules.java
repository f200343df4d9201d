package org.fluxion.nn.fused;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.fluxion.autodiff.Functional;
import org.fluxion.tensor.Tensor;

/**
 * Derivative rules of a fused kernel taken from a composite of primitives that computes the same function:
 * the kernel is fast, the composite is differentiable to any order. A fused primitive's rules that are not
 * worth a kernel of their own (forward mode, second order) delegate here, so they are exact by construction.
 * Only forward mode runs inside a rule (see {@link #vjpOfGradient}).
 */
public final class CompositeRules {
    private CompositeRules() {
    }

    /**
     * The VJP of a gradient {@code B(x, g) = J_F(x)^T g} (the backward pass of {@code F}) with cotangent
     * {@code u}, by forward mode only: {@code B} is the gradient of {@code phi(x) = <g, F(x)>}, whose Hessian
     * is symmetric, so the cotangent of {@code x} is {@code u^T d2phi = d2phi u}, the JVP of {@code B} in
     * direction {@code u} at fixed {@code g}; the cotangent of {@code g} is {@code J_F u}, the JVP of
     * {@code F}. No reverse pass runs inside the rule: a backward walk nested in the one that called this
     * rule would share its nodes.
     *
     * @param backward {@code B}, of {@code xs} followed by {@code gs}, one output per {@code x}
     * @param forward  {@code F}, of {@code xs}, one output per {@code g}
     * @param u        one cotangent per output of {@code B} (null: zero)
     * @return the cotangents of {@code xs} followed by those of {@code gs}
     */
    public static Tensor[] vjpOfGradient(Function<Tensor[], Tensor[]> backward, Function<Tensor[], Tensor[]> forward,
                                  Tensor[] xs, Tensor[] gs, Tensor[] u) {
        Tensor[] all = new Tensor[xs.length + gs.length];
        System.arraycopy(xs, 0, all, 0, xs.length);
        System.arraycopy(gs, 0, all, xs.length, gs.length);
        Tensor[] direction = new Tensor[all.length];
        System.arraycopy(u, 0, direction, 0, xs.length); // g held fixed: its tangent is zero (null)
        Tensor[] dx = jvp(backward, all, direction);
        Tensor[] dg = jvp(forward, xs, u);
        Tensor[] out = new Tensor[all.length];
        System.arraycopy(dx, 0, out, 0, xs.length);
        System.arraycopy(dg, 0, out, xs.length, gs.length);
        return out;
    }

    /** {@code J_f(inputs) tangents}: one tangent per output; a null tangent of an input means zero. */
    public static Tensor[] jvp(Function<Tensor[], Tensor[]> f, Tensor[] inputs, Tensor[] tangents) {
        Tensor[] t = tangents.clone();
        for (int i = 0; i < t.length; i++) {
            if (t[i] == null) {
                t[i] = Tensor.zeros(inputs[i].dtype(), inputs[i].dims());
            }
        }
        Functional.TreeJvpResult<List<Tensor>> r = Functional.treeJvp(
                (List<Tensor> xs) -> Arrays.asList(f.apply(xs.toArray(Tensor[]::new))), Arrays.asList(inputs),
                Arrays.asList(t));
        return r.tangent().toArray(Tensor[]::new);
    }
}
