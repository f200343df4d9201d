package org.fluxion.train;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.fluxion.optim.Optimizer;

/**
 * Multiplies the optimizer's learning rate by {@code factor} when the monitored metric has stopped
 * improving, as Keras's {@code ReduceLROnPlateau}. After each epoch:
 *
 * <ol>
 *   <li>during a cooldown (the {@code cooldown} epochs after a reduction) the counter goes down and the
 *       epochs without improvement are not counted;
 *   <li>an improvement ({@link Monitor#improves}) becomes the best and resets the count;
 *   <li>otherwise, outside a cooldown, one more epoch without improvement; at {@code patience} of them,
 *       {@code lr = max(lr * factor, minLr)} if {@code lr > minLr}, the cooldown starts and the count
 *       resets.
 * </ol>
 *
 * <p>It sets the rate with {@link Optimizer#setLearningRate}, so it does not combine with a learning-rate
 * schedule that sets it before every step (Keras refuses the same): when the rate found at the end of an
 * epoch is not the one this callback left, an {@link IllegalStateException} says so.
 */
public final class ReduceLrOnPlateau implements Callback {
    /** A reduction: after epoch {@code epoch} (from 0), the rate went from {@code from} to {@code to}. */
    public record Reduction(int epoch, double from, double to) {
    }

    private final Optimizer optimizer;
    private final Monitor monitor;
    private final double factor;
    private final int patience;
    private final int cooldown;
    private final double minLr;
    private final List<Reduction> reductions = new ArrayList<>();
    private PrintStream log;

    private double best;
    private int wait;
    private int cooldownCounter;
    private double expectedLr = Double.NaN;

    /**
     * @param optimizer whose learning rate is reduced
     * @param monitor the metric to watch (Keras's defaults: {@code val_loss}, min, {@code minDelta} 1e-4)
     * @param factor the rate is multiplied by it, in (0, 1)
     * @param patience epochs without improvement before a reduction, {@code >= 0} (0: every epoch that
     *     does not improve)
     * @param cooldown epochs after a reduction during which no epoch is counted, {@code >= 0}
     * @param minLr the rate is never reduced below it, {@code >= 0}
     */
    public ReduceLrOnPlateau(Optimizer optimizer, Monitor monitor, double factor, int patience, int cooldown,
            double minLr) {
        if (optimizer == null || monitor == null) {
            throw new IllegalArgumentException("ReduceLrOnPlateau: optimizer and monitor must not be null");
        }
        if (!(factor > 0 && factor < 1)) {
            throw new IllegalArgumentException("ReduceLrOnPlateau: factor must be in (0, 1), got " + factor);
        }
        if (patience < 0 || cooldown < 0) {
            throw new IllegalArgumentException("ReduceLrOnPlateau: patience and cooldown must be >= 0, got "
                    + patience + " and " + cooldown);
        }
        if (!(minLr >= 0)) {
            throw new IllegalArgumentException("ReduceLrOnPlateau: minLr must be >= 0, got " + minLr);
        }
        this.optimizer = optimizer;
        this.monitor = monitor;
        this.factor = factor;
        this.patience = patience;
        this.cooldown = cooldown;
        this.minLr = minLr;
        onTrainBegin();
    }

    /** Keras's defaults: {@code val_loss}, factor 0.1, patience 10, cooldown 0, {@code minDelta} 1e-4, no floor. */
    public static ReduceLrOnPlateau withDefaults(Optimizer optimizer) {
        return new ReduceLrOnPlateau(optimizer, new Monitor(History.VAL_LOSS, Monitor.Mode.MIN, 1e-4), 0.1, 10, 0, 0);
    }

    /** Prints one line to {@code out} at each reduction (Keras's {@code verbose=1}); null prints none. */
    public ReduceLrOnPlateau log(PrintStream out) {
        this.log = out;
        return this;
    }

    @Override
    public void onTrainBegin() {
        best = monitor.worst();
        wait = 0;
        cooldownCounter = 0;
        expectedLr = Double.NaN;
        reductions.clear();
    }

    @Override
    public void onEpochEnd(int epoch, Map<String, Double> logs) {
        double lr = optimizer.learningRate();
        if (!Double.isNaN(expectedLr) && lr != expectedLr) {
            throw new IllegalStateException("ReduceLrOnPlateau: the learning rate is " + lr + " at the end of epoch "
                    + (epoch + 1) + ", not the " + expectedLr + " it set: a learning-rate schedule sets it before "
                    + "every step; use one or the other");
        }
        double value = monitor.valueIn(logs, "ReduceLrOnPlateau");
        if (cooldownCounter > 0) {
            cooldownCounter--;
            wait = 0;
        }
        if (monitor.improves(value, best)) {
            best = value;
            wait = 0;
        } else if (cooldownCounter == 0 && ++wait >= patience) {
            if (lr > minLr) {
                double reduced = Math.max(lr * factor, minLr);
                optimizer.setLearningRate(reduced);
                reductions.add(new Reduction(epoch, lr, reduced));
                if (log != null) {
                    log.println(String.format(Locale.ROOT, "epoch %d: %s did not improve on %s for %d epoch(s);"
                            + " learning rate %.4g -> %.4g", epoch + 1, monitor.metric(), ProgressBar.metric(best),
                            wait, lr, reduced));
                }
                cooldownCounter = cooldown;
                wait = 0;
            }
        }
        expectedLr = optimizer.learningRate();
    }

    /** The reductions made since training began, in order. */
    public List<Reduction> reductions() {
        return List.copyOf(reductions);
    }

    /** The best value of the monitored metric so far. */
    public double bestValue() {
        return best;
    }
}
