package org.fluxion.train;

import java.util.List;
import java.util.Map;

/**
 * Several callbacks as one, called in order; training stops when any of them asks to.
 */
public final class CallbackList implements Callback {
    private final List<Callback> callbacks;

    public CallbackList(List<? extends Callback> callbacks) {
        this.callbacks = List.copyOf(callbacks);
    }

    public static CallbackList of(Callback... callbacks) {
        return new CallbackList(List.of(callbacks));
    }

    public List<Callback> callbacks() {
        return callbacks;
    }

    @Override
    public void onTrainBegin() {
        callbacks.forEach(Callback::onTrainBegin);
    }

    @Override
    public void onEpochBegin(int epoch) {
        callbacks.forEach(c -> c.onEpochBegin(epoch));
    }

    @Override
    public void onBatchEnd(int batch, Map<String, Double> logs) {
        callbacks.forEach(c -> c.onBatchEnd(batch, logs));
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        callbacks.forEach(c -> c.onEpochEnd(epoch, logs));
    }

    @Override
    public void onTrainEnd() {
        callbacks.forEach(Callback::onTrainEnd);
    }

    /** True when any callback asks to stop; all are asked, so each sees the question. */
    @Override
    public boolean shouldStop() {
        boolean stop = false;
        for (Callback c : callbacks) {
            stop |= c.shouldStop();
        }
        return stop;
    }
}
