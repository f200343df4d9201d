package org.fluxion.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.autodiff.GradMode;
import org.fluxion.autodiff.Tree;
import org.fluxion.autodiff.TreeDef;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * A gradient-based optimizer. The model holds only its parameters; everything the optimizer remembers
 * (momentum buffers, moment estimates, step counts) lives here, keyed by parameter name, so one model can
 * be trained by several optimizers and a checkpoint can save both sides.
 *
 * <p>{@link #step(Map)} reads each parameter's {@code grad()} (parameters without a gradient are skipped,
 * like PyTorch) and updates the parameter in place under {@link GradMode#noGrad()}. State entries are
 * named {@code <parameter>.<slot>}, e.g. {@code 0.weight.exp_avg} or {@code 0.weight.step} (a scalar).
 *
 * <p>The formulas are those of a {@link GradientTransformation} ({@link #transformation}), applied to each
 * parameter on its own (so each has its own step count, and a parameter without a gradient is skipped, as in
 * PyTorch): the leaves of the transformation's state for one parameter are the slots {@link #stateSlots()}
 * names, in {@link Tree#flatten} order. The functional and the eager optimizer are one formula.
 */
public abstract class Optimizer {
    private double learningRate;
    private final Map<String, Tensor> state = new LinkedHashMap<>();
    /** The structure of the transformation's state for one parameter, known after the first init. */
    private TreeDef stateDef;

    protected Optimizer(double learningRate) {
        setLearningRate(learningRate);
    }

    /** Updates every parameter that has a gradient, from its {@code grad()}. */
    public final void step(Map<String, Tensor> parameters) {
        try (var scope = GradMode.noGrad()) {
            for (var e : parameters.entrySet()) {
                Tensor p = e.getValue();
                Tensor g = p.grad();
                if (g != null) {
                    update(e.getKey(), p, g.to(p.dtype()));
                }
            }
        }
    }

    /**
     * The transformation computing this optimizer's updates at learning rate {@code learningRate} (its updates
     * are added to the parameter). Rebuilt for each step, so a changed learning rate takes effect.
     */
    protected abstract GradientTransformation transformation(double learningRate);

    /** The names of the leaves of {@link #transformation}'s state for one parameter, in flattening order. */
    protected abstract List<String> stateSlots();

    /**
     * Updates one parameter in place given its gradient (same dtype), through {@link #transformation}: its state
     * is read from the slots {@code <name>.<slot>} (initialized by {@code init} before the first step) and
     * written back. Runs under no-grad; a subclass may override it with a faster form of the same formula.
     */
    protected void update(String name, Tensor parameter, Tensor gradient) {
        GradientTransformation tx = transformation(learningRate);
        List<String> slots = stateSlots();
        List<Tensor> saved = new ArrayList<>(slots.size());
        boolean complete = true;
        for (String slot : slots) {
            Tensor t = state(name, slot);
            saved.add(t);
            complete &= t != null;
        }
        Object current;
        if (complete && stateDef != null) {
            current = stateDef.unflatten(saved);
        } else {
            // first step (or a state loaded without some slot): start from init, keeping the slots that exist
            Tree.Flat init = Tree.flatten(tx.init(parameter));
            if (init.leaves().size() != slots.size()) {
                throw new IllegalStateException(getClass().getSimpleName() + ": its transformation's state has "
                        + init.leaves().size() + " leaves but the optimizer names " + slots.size() + " slots " + slots);
            }
            stateDef = init.def();
            List<Tensor> leaves = new ArrayList<>(init.leaves());
            for (int i = 0; i < slots.size(); i++) {
                if (saved.get(i) != null) {
                    leaves.set(i, saved.get(i));
                }
            }
            current = stateDef.unflatten(leaves);
        }
        GradientTransformation.Update<Tensor> u = tx.update(gradient, current, parameter);
        parameter.addInPlace(u.updates());
        List<Tensor> next = Tree.leaves(u.state());
        for (int i = 0; i < slots.size(); i++) {
            putState(name, slots.get(i), next.get(i));
        }
    }

    /**
     * True when the updates of {@link #transformation} are proportional to the learning rate (the rate multiplies
     * the final update, as in every optimizer of this package), so that {@link #asTransformation} may take the
     * rate as a tensor. A subclass whose rate enters otherwise keeps the default, false.
     */
    protected boolean updatesScaleWithLearningRate() {
        return false;
    }

    /**
     * The state of {@link #asTransformation}: per parameter, the state of {@link #transformation} at rate 1 (whose
     * leaves are the slots {@link #stateSlots} names, as {@link #step} keeps them), and the learning rate, a
     * float64 scalar that {@link #withLearningRate} replaces between steps.
     */
    public record FunctionalState(List<Object> parameters, Tensor learningRate) {
        /** This state with learning rate {@code rate} (a new leaf: a compiled step takes it without retracing). */
        public FunctionalState withLearningRate(double rate) {
            return new FunctionalState(parameters, Tensor.scalar(rate, DType.FLOAT64));
        }
    }

    /**
     * This optimizer as a pure transformation of the list of its parameters, what a compiled training step runs:
     * each parameter is updated by this optimizer's formula with its own state, as {@link #step} does, at the
     * learning rate held in the {@link FunctionalState} (so a schedule or a callback changing the rate needs no
     * new trace). Unlike {@link #step}, every parameter is updated (a parameter that the loss does not reach gets
     * a zero gradient, not a skip). Start from {@link #functionalState}; write the state back with
     * {@link #loadFunctionalState}.
     *
     * @throws UnsupportedOperationException when this optimizer's updates are not proportional to its rate
     */
    public final GradientTransformation asTransformation() {
        if (!updatesScaleWithLearningRate()) {
            throw new UnsupportedOperationException(getClass().getSimpleName() + ": its updates are not known to be "
                    + "proportional to the learning rate, so it has no functional form with the rate as a tensor");
        }
        GradientTransformation unit = transformation(1);
        String name = getClass().getSimpleName();
        return new GradientTransformation() {
            @Override
            public Object init(Object params) {
                List<Object> states = new ArrayList<>();
                for (Tensor p : Tree.leaves(params)) {
                    states.add(unit.init(p));
                }
                return new FunctionalState(states, Tensor.scalar(learningRate, DType.FLOAT64));
            }

            @Override
            public <T> GradientTransformation.Update<T> update(T updates, Object state, T params) {
                if (!(state instanceof FunctionalState s)) {
                    throw new IllegalArgumentException(name + ": expected a FunctionalState (what init and "
                            + "functionalState return), got " + (state == null ? "null" : state.getClass().getSimpleName()));
                }
                Tree.Flat g = Tree.flatten(updates);
                List<Tensor> p = params == null ? null : Tree.leaves(params);
                if (g.leaves().size() != s.parameters().size()) {
                    throw new IllegalArgumentException(name + ": the state holds " + s.parameters().size()
                            + " parameters, the updates " + g.leaves().size());
                }
                List<Tensor> out = new ArrayList<>();
                List<Object> next = new ArrayList<>();
                for (int i = 0; i < s.parameters().size(); i++) {
                    GradientTransformation.Update<Tensor> u = unit.update(g.leaves().get(i), s.parameters().get(i),
                            p == null ? null : p.get(i));
                    out.add(u.updates().mul(s.learningRate().to(u.updates().dtype())));
                    next.add(u.state());
                }
                return new GradientTransformation.Update<>(g.def().unflatten(out), new FunctionalState(next, s.learningRate()));
            }
        };
    }

    /**
     * The {@link FunctionalState} of {@code parameters} (by name, in order) from this optimizer's state, each
     * parameter's initial state where it has none yet, at the current learning rate.
     */
    public final FunctionalState functionalState(Map<String, Tensor> parameters) {
        GradientTransformation unit = transformation(1);
        List<String> slots = stateSlots();
        List<Object> states = new ArrayList<>();
        for (var e : parameters.entrySet()) {
            Tree.Flat init = Tree.flatten(unit.init(e.getValue()));
            checkSlots(init);
            List<Tensor> leaves = new ArrayList<>(init.leaves());
            for (int i = 0; i < slots.size(); i++) {
                Tensor saved = state(e.getKey(), slots.get(i));
                if (saved != null) {
                    leaves.set(i, saved.to(leaves.get(i).dtype()).contiguous());
                }
            }
            states.add(init.def().unflatten(leaves));
        }
        return new FunctionalState(states, Tensor.scalar(learningRate, DType.FLOAT64));
    }

    /**
     * Writes {@code state}, for the parameters {@code names} in order, into this optimizer's slots (so that
     * {@link #state()}, checkpoints and a later {@link #step} continue from it).
     */
    public final void loadFunctionalState(List<String> names, FunctionalState state) {
        if (names.size() != state.parameters().size()) {
            throw new IllegalArgumentException("loadFunctionalState: " + names.size() + " names for "
                    + state.parameters().size() + " parameter states");
        }
        List<String> slots = stateSlots();
        for (int k = 0; k < names.size(); k++) {
            Tree.Flat f = Tree.flatten(state.parameters().get(k));
            checkSlots(f);
            stateDef = f.def();
            for (int i = 0; i < slots.size(); i++) {
                putState(names.get(k), slots.get(i), f.leaves().get(i));
            }
        }
    }

    private void checkSlots(Tree.Flat state) {
        if (state.leaves().size() != stateSlots().size()) {
            throw new IllegalStateException(getClass().getSimpleName() + ": its transformation's state has "
                    + state.leaves().size() + " leaves but the optimizer names " + stateSlots().size() + " slots "
                    + stateSlots());
        }
    }

    /** The current learning rate. */
    public final double learningRate() {
        return learningRate;
    }

    /** Sets the learning rate used by the next steps (what a {@link LearningRateSchedule} drives). */
    public final void setLearningRate(double learningRate) {
        if (!(learningRate >= 0)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": learning rate must be >= 0, got "
                    + learningRate);
        }
        this.learningRate = learningRate;
    }

    /** The state slot of a parameter, or null before its first step. */
    protected final Tensor state(String name, String slot) {
        return state.get(name + "." + slot);
    }

    /** The state slot of a parameter, zeros shaped like {@code like} before its first step. */
    protected final Tensor state(String name, String slot, Tensor like) {
        Tensor t = state.get(name + "." + slot);
        return t != null ? t : Tensor.zeros(like.dtype(), like.dims());
    }

    protected final void putState(String name, String slot, Tensor value) {
        state.put(name + "." + slot, value);
    }

    /** Increments and returns the parameter's step count (1 on its first step), kept as a float64 scalar. */
    protected final long nextStep(String name) {
        Tensor t = state(name, "step");
        long step = (t == null ? 0 : Math.round(t.item())) + 1;
        putState(name, "step", Tensor.scalar(step, DType.FLOAT64));
        return step;
    }

    /** A copy of the whole state, by entry name, for checkpoints. */
    public final Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        state.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }

    /** Replaces the whole state with a copy of {@code saved} (as returned by {@link #state()}). */
    public final void loadState(Map<String, Tensor> saved) {
        state.clear();
        saved.forEach((k, v) -> state.put(k, v.detach().copy()));
    }
}
