package org.fluxion.optim;

import java.util.List;
import org.fluxion.autodiff.Tree;
import org.fluxion.tensor.Tensor;

/**
 * An optimizer as a pair of pure functions over trees (Optax's {@code GradientTransformation}):
 * {@code init(params) -> state} and {@code update(updates, state, params) -> (updates, state)}. The updates
 * are a tree of the structure of the parameters (the gradients, going in); the state is itself a tree of
 * tensors (moments, and the step count as a float64 scalar tensor, never a Java field), so that
 * {@link Tree#flatten}, {@code jit}, {@code vmap} and checkpoints take it, and a compiled step is traced once
 * for all steps. Nothing is mutated: a training step is
 * <pre>
 *   var u = tx.update(grads, state, params);
 *   params = GradientTransformation.applyUpdates(params, u.updates());
 *   state = u.state();
 * </pre>
 * Transformations compose with {@link #chain}: {@code chain(clipByGlobalNorm(1), scaleByAdam(), scale(-lr))}
 * is Adam with clipping. The building blocks and the familiar optimizers are in {@link Transformations};
 * the eager {@link Optimizer}s compute through them.
 */
public interface GradientTransformation {
    /** The initial state for {@code params} (a tree of tensors): zero moments, a count of 0. */
    Object init(Object params);

    /**
     * Transforms {@code updates} (gradients, or the output of the previous transformation of a chain) given
     * the state returned by {@link #init} or by the previous update, and the current parameters (which some
     * transformations read, e.g. {@link Transformations#addDecayedWeights}; others accept null).
     *
     * @param <T> the tree type of the parameters and updates
     * @throws IllegalArgumentException when the trees do not have the structure of the state
     */
    <T> Update<T> update(T updates, Object state, T params);

    /** What {@link #update} returns: the transformed updates and the new state. */
    record Update<T>(T updates, Object state) {
    }

    /** {@code params + updates}, leaf by leaf, each update converted to its parameter's dtype (Optax's apply_updates). */
    static <T> T applyUpdates(T params, T updates) {
        return Tree.map(params, updates, (p, u) -> p.add(u.to(p.dtype())));
    }

    /**
     * The transformations applied one after the other ({@code optax.chain}): each update feeds the next; the
     * state is the list of their states, in order.
     */
    static GradientTransformation chain(GradientTransformation... transformations) {
        return new Chain(List.of(transformations));
    }

    /** A chain's implementation: a list of transformations whose state is the list of their states. */
    record Chain(List<GradientTransformation> parts) implements GradientTransformation {
        @Override
        public Object init(Object params) {
            return parts.stream().map(t -> t.init(params)).toList();
        }

        @Override
        public <T> Update<T> update(T updates, Object state, T params) {
            if (!(state instanceof List<?> states) || states.size() != parts.size()) {
                throw new IllegalArgumentException("chain: the state must be the list of the " + parts.size()
                        + " states of the chained transformations (what init returns), got " + describe(state));
            }
            Object[] next = new Object[parts.size()];
            T u = updates;
            for (int i = 0; i < parts.size(); i++) {
                Update<T> r = parts.get(i).update(u, states.get(i), params);
                u = r.updates();
                next[i] = r.state();
            }
            return new Update<>(u, java.util.Collections.unmodifiableList(java.util.Arrays.asList(next)));
        }

        private static String describe(Object state) {
            return state instanceof List<?> l ? "a list of " + l.size()
                    : state == null ? "null" : "a " + state.getClass().getSimpleName();
        }
    }
}
