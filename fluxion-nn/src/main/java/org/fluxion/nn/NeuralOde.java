package org.fluxion.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.fluxion.ode.Method;
import org.fluxion.ode.Odeint;
import org.fluxion.ode.SensitivityMethod;
import org.fluxion.ode.SolverOptions;
import org.fluxion.ode.TensorOde;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * A neural ODE (Chen et al., 2018): the state evolves by {@code du/dt = f(u)} with {@code f} a multilayer
 * perceptron, {@code f(u) = L_k(act(... act(L_1(act_in(u)))))}; {@link #apply} maps an initial state to the
 * state at the end of the span, {@link #trajectory} to the states at given times. Gradients reach the
 * network's weights through {@link Odeint} with the chosen sensitivity method (an adjoint by default: memory
 * independent of the number of steps).
 *
 * <p>Shapes: state {@code [..., d]} (a batch of states is solved as one ODE); {@link #trajectory} returns
 * {@code [T, ..., d]}. The weights are those of the {@link Linear} layers given (children {@code 0, 1, ...}).
 * The field's evaluations, VJPs and Jacobians are compiled by {@code jit} once per state shape and dtype.
 * Not thread-safe (it caches the compiled field).
 */
public final class NeuralOde extends Module {
    private final Linear[] layers;
    private final Activation activation;
    private final Activation inputMap;
    private final double t0;
    private final double t1;
    private final Method method;
    private final SolverOptions options;
    private final SensitivityMethod sensitivity;
    private final Map<String, TensorOde> bound = new LinkedHashMap<>();

    /**
     * @param layers      the MLP's layers, {@code d -> ... -> d}
     * @param activation  between layers
     * @param inputMap    applied to the state before the first layer (null for none); torchdiffeq's spiral demo
     *                    feeds {@code u^3}
     * @param t0          the start of the span of {@link #apply}
     * @param t1          its end
     * @param method      the solver
     * @param options     tolerances and budget
     * @param sensitivity how gradients are computed
     */
    public NeuralOde(Linear[] layers, Activation activation, Activation inputMap, double t0, double t1, Method method,
                     SolverOptions options, SensitivityMethod sensitivity) {
        if (layers.length == 0) {
            throw new IllegalArgumentException("NeuralOde: no layers");
        }
        for (int i = 1; i < layers.length; i++) {
            if (layers[i].inFeatures() != layers[i - 1].outFeatures()) {
                throw new IllegalArgumentException("NeuralOde: layer " + i + " (" + layers[i] + ") does not take "
                        + "layer " + (i - 1) + "'s output (" + layers[i - 1] + ")");
            }
        }
        if (layers[0].inFeatures() != layers[layers.length - 1].outFeatures()) {
            throw new IllegalArgumentException("NeuralOde: the field must map the state to its own size, got "
                    + layers[0].inFeatures() + " -> " + layers[layers.length - 1].outFeatures());
        }
        this.layers = layers.clone();
        this.activation = activation;
        this.inputMap = inputMap;
        this.t0 = t0;
        this.t1 = t1;
        this.method = method;
        this.options = options;
        this.sensitivity = sensitivity;
    }

    /**
     * An MLP field {@code d -> hidden (x hiddenLayers) -> d} with tanh, PyTorch's default initialization, on
     * {@code [0, 1]}, Tsit5 at rtol 1e-6 / atol 1e-8, gradients by the interpolating adjoint.
     */
    public static NeuralOde mlp(int dim, int hidden, int hiddenLayers, DType dtype, RandomGenerator rng) {
        LayerArguments.atLeast("NeuralOde", "hiddenLayers", hiddenLayers, 1);
        Linear[] layers = new Linear[hiddenLayers + 1];
        int in = dim;
        for (int i = 0; i < hiddenLayers; i++) {
            layers[i] = new Linear(in, hidden, true, dtype, rng);
            in = hidden;
        }
        layers[hiddenLayers] = new Linear(hidden, dim, true, dtype, rng);
        return new NeuralOde(layers, Activation.tanh(), null, 0, 1, Method.TSIT5,
                SolverOptions.defaults().withTolerances(1e-6, 1e-8), SensitivityMethod.INTERPOLATING_ADJOINT);
    }

    /** The same network with another solver, tolerances or sensitivity method. */
    public NeuralOde with(Method m, SolverOptions o, SensitivityMethod s) {
        return new NeuralOde(layers, activation, inputMap, t0, t1, m, o, s);
    }

    /** The same network with another input map ({@code u -> u^3} in the spiral demo). */
    public NeuralOde withInputMap(Activation map) {
        return new NeuralOde(layers, activation, map, t0, t1, method, options, sensitivity);
    }

    /** The field {@code du/dt = f(u)} with the layers' current weights. */
    public Tensor field(Tensor u) {
        Tensor[] weights = new Tensor[2 * layers.length];
        for (int i = 0; i < layers.length; i++) {
            weights[2 * i] = layers[i].weight();
            weights[2 * i + 1] = layers[i].bias();
        }
        return evaluate(u, weights);
    }

    /** {@code f(u)} with the weights and biases {@code ws = (W_1, b_1, W_2, b_2, ...)}. */
    private Tensor evaluate(Tensor u, Tensor[] ws) {
        Tensor h = inputMap == null ? u : inputMap.apply(u);
        for (int i = 0; i < layers.length; i++) {
            h = Functions.linear(h, ws[2 * i], ws[2 * i + 1]);
            if (i < layers.length - 1) {
                h = activation.apply(h);
            }
        }
        return h;
    }

    /** The state at the end of the span from the initial state {@code x} ({@code [..., d]}). */
    @Override
    public Tensor apply(Tensor x) {
        Tensor ys = trajectory(x, new double[] {t0, t1});
        return ys.select(0, 1);
    }

    /** The states at {@code times} ({@code times[0]} the initial time) from {@code x}: {@code [T, ..., d]}. */
    public Tensor trajectory(Tensor x, double[] times) {
        int d = layers[0].inFeatures();
        if (x.rank() == 0 || x.dim(x.rank() - 1) != d) {
            throw badInput("[..., " + d + "]", x);
        }
        Tensor[] weights = new Tensor[2 * layers.length];
        for (int i = 0; i < layers.length; i++) {
            weights[2 * i] = layers[i].weight();
            weights[2 * i + 1] = layers[i].bias();
            if (weights[2 * i + 1] == null) {
                throw new IllegalArgumentException("NeuralOde: layer " + i + " has no bias; the field's layers need one");
            }
        }
        TensorOde ode = bound.computeIfAbsent(x.type().toString(), s -> TensorOde.of((u, t, ws) -> evaluate(u, ws),
                Tensor.zeros(x.dtype(), x.dims()), weights).compiled());
        return Odeint.solve(ode, x, weights, times, method, options, sensitivity);
    }

    @Override
    protected Map<String, Module> children() {
        Map<String, Module> out = new LinkedHashMap<>();
        for (int i = 0; i < layers.length; i++) {
            out.put(Integer.toString(i), layers[i]);
        }
        return out;
    }

    /** Errors name the network in one line ({@link #toString}), not as a module with children. */
    @Override
    public String label() {
        return toString();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("NeuralOde ");
        s.append(layers[0].inFeatures());
        for (Linear l : layers) {
            s.append("->").append(l.outFeatures());
        }
        return s.append(" (").append(method).append(", ").append(sensitivity).append(")").toString();
    }
}
