package org.fluxion.cli;

import java.io.Serializable;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fluxion.data.TrainTest;
import org.fluxion.models.Layer;
import org.fluxion.models.Layers;
import org.fluxion.nn.Losses;
import org.fluxion.nn.Sequential;
import org.fluxion.optim.GradientTransformation;
import org.fluxion.optim.LearningRateSchedule;
import org.fluxion.optim.Transformations;
import org.fluxion.tensor.Tensor;
import org.fluxion.train.ClusterTraining;
import org.fluxion.train.History;
import picocli.CommandLine.ParameterException;

/**
 * {@code fluxion train --cluster}: the same model, optimizer, schedule and data as single-process training,
 * trained data-parallel by the {@link ClusterTraining} on the class path (fluxion-spark), the trained parameters
 * copied back into the command's network for the evaluation and the files it writes.
 */
final class ClusterRun {
    private static final Pattern LOCAL = Pattern.compile("local\\[(\\d+)(,\\d+)?]");

    private final TrainCommand command;

    ClusterRun(TrainCommand command) {
        this.command = command;
    }

    /** Trains {@code net} (its parameters are replaced by the trained ones) on {@code set}; the history. */
    History fit(TrainTest set, Sequential net, java.nio.file.Path dir) {
        ClusterTraining cluster = ClusterTraining.find().orElseThrow(() -> new ParameterException(
                command.spec.commandLine(), "--cluster needs the fluxion-spark module on the class path: run"
                        + " ./fluxion (which builds it with -Pspark when --cluster is given), or build with"
                        + " `mvn -Pspark package`"));
        int workers = workers();
        Cli.atLeast(command.spec, "--checkpoint-every", command.checkpointEvery, 1);
        if (command.batchSize % workers != 0) {
            throw new ParameterException(command.spec.commandLine(), "--batch-size " + command.batchSize
                    + " must be a multiple of the " + workers + " workers");
        }
        long stepsPerEpoch = set.train().size() / workers / (command.batchSize / workers);
        long totalSteps = stepsPerEpoch * command.epochs;
        // captured values, not the command: the lambdas travel to the workers
        Models.Kind kind = command.model;
        long seed = command.seed;
        Supplier<Layer> model = (Supplier<Layer> & Serializable) () -> Layers.of(Models.create(kind,
                new SplittableRandom(seed)));
        Supplier<GradientTransformation> optimizer = optimizer(command.optimizer, command.lr,
                command.schedule == TrainCommand.Schedule.cosine ? totalSteps : 0);
        BiFunction<Tensor, Tensor, Tensor> loss = (BiFunction<Tensor, Tensor, Tensor> & Serializable) Losses::crossEntropy;
        System.out.println("cluster " + command.cluster + ": " + workers + " workers, " + command.batchSize / workers
                + " samples each per step of " + command.batchSize + ", " + stepsPerEpoch + " steps per epoch");
        ClusterTraining.Outcome outcome = cluster.fit(new ClusterTraining.Job(command.cluster, workers, model, optimizer,
                loss, set.train(), set.test(), command.batchSize, command.epochs, seed,
                dir.resolve("cluster-checkpoints"), command.checkpointEvery, command.noProgress ? null : System.out));
        Layers.copyInto(outcome.model(), net);
        System.out.println(outcome.summary());
        return outcome.history();
    }

    private int workers() {
        if (command.workers != null) {
            Cli.atLeast(command.spec, "--workers", command.workers, 1);
            return command.workers;
        }
        Matcher m = LOCAL.matcher(command.cluster);
        return m.matches() ? Integer.parseInt(m.group(1)) : 2;
    }

    /**
     * The optimizer as a transformation whose learning rate follows the schedule inside its state (cosine decay
     * over {@code cosineSteps}, or constant when 0), as single-process training sets it before each step.
     */
    static Supplier<GradientTransformation> optimizer(Models.OptimizerKind kind, double lr, long cosineSteps) {
        return (Supplier<GradientTransformation> & Serializable) () -> {
            LearningRateSchedule rate = cosineSteps > 0 ? LearningRateSchedule.cosine(lr, cosineSteps, 0)
                    : LearningRateSchedule.constant(lr);
            return switch (kind) {
                case adam -> Transformations.adam(rate, 0.9, 0.999, 1e-8);
                case sgd -> Transformations.sgd(rate, 0.9, false);
                default -> {
                    if (cosineSteps > 0) {
                        System.err.println("fluxion: --cluster with --optimizer " + kind + " uses a constant learning"
                                + " rate (the cosine schedule is implemented for adam and sgd)");
                    }
                    yield Models.optimizer(kind, lr).asTransformation();
                }
            };
        };
    }
}
