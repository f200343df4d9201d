package org.fluxion.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.fluxion.nn.Activation;
import org.fluxion.nn.Linear;
import org.fluxion.nn.NeuralOde;
import org.fluxion.ode.Method;
import org.fluxion.ode.Ode;
import org.fluxion.ode.OdeProblem;
import org.fluxion.ode.SensitivityMethod;
import org.fluxion.ode.Solution;
import org.fluxion.ode.SolverOptions;
import org.fluxion.optim.RmsProp;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.train.PlotSize;
import org.fluxion.train.Plots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * torchdiffeq's classic demo: learn the dynamics of a 2-D spiral, {@code dy/dt = y^3 A} with
 * {@code A = [[-0.1, 2], [-2, -0.1]]}, from 1,000 observed points of one trajectory on {@code [0, 25]}, with a
 * neural ODE {@code dy/dt = MLP(y^3)} (2 -> 50 -> tanh -> 2). Each iteration draws 20 windows of 10
 * consecutive observations, integrates the model from each window's first point (one batched ODE), and
 * descends the mean absolute error with RMSprop; gradients by the interpolating adjoint.
 */
@Command(name = "neural-ode", mixinStandardHelpOptions = true, sortOptions = false,
        description = "A neural ODE learns a 2-D spiral from 1,000 points (torchdiffeq's demo), with the adjoint method.")
final class NeuralOdeExample implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ExampleOptions options;

    @Option(names = "--iterations", defaultValue = "2000", description = "training iterations (default: ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--points", defaultValue = "1000", description = "observed points on [0, 25] (default: ${DEFAULT-VALUE})")
    int points;

    @Option(names = "--batch", defaultValue = "20", description = "windows per iteration (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--window", defaultValue = "10", description = "observations per window (default: ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--lr", defaultValue = "0.001", description = "RMSprop learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--sensitivity", defaultValue = "INTERPOLATING_ADJOINT",
            description = "how gradients are computed: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    SensitivityMethod sensitivity;

    private static final double T_END = 25;

    @Override
    public Integer call() throws Exception {
        Cli.check(spec, iterations >= 1, "--iterations must be >= 1, got " + iterations);
        Cli.check(spec, points >= 20, "--points must be >= 20, got " + points);
        Cli.check(spec, window >= 2 && window < points, "--window must be in [2, points), got " + window);
        Cli.check(spec, batch >= 1, "--batch must be >= 1, got " + batch);
        Cli.positive(spec, "--lr", lr);
        Path dir = options.outputDir("neural-ode");
        double[] times = new double[points];
        for (int i = 0; i < points; i++) {
            times[i] = T_END * i / (points - 1);
        }
        double[][] truth = spiral(times);
        Tensor observed = Tensor.of(flatten(truth), points, 2);

        Random rng = new Random(options.seed);
        Linear in = new Linear(normal(rng, 0.1, 50, 2), Tensor.zeros(DType.FLOAT64, 50));
        Linear out = new Linear(normal(rng, 0.1, 2, 50), Tensor.zeros(DType.FLOAT64, 2));
        NeuralOde model = new NeuralOde(new Linear[] {in, out}, Activation.tanh(),
                new Activation("cube", u -> u.mul(u).mul(u)), 0, 1, Method.DP5,
                SolverOptions.defaults().withTolerances(1e-6, 1e-8), sensitivity);
        RmsProp optimizer = new RmsProp(lr);
        double[] windowTimes = java.util.Arrays.copyOf(times, window);
        System.out.println(Cli.fmt("spiral dy/dt = y^3 A, %d points on [0, %.0f]; model %s, %d parameters; %d iterations"
                + " of %d windows x %d points, RMSprop lr %s", points, T_END, model, model.parameterCount(), iterations,
                batch, window, lr));

        int[] snapshots = snapshotIterations(iterations);
        Map<String, double[][]> learned = new LinkedHashMap<>();
        List<Double> evalIterations = new ArrayList<>();
        List<Double> evalLoss = new ArrayList<>();
        Tensor y0 = observed.select(0, 0);
        double firstLoss = Double.NaN;
        long start = System.nanoTime();
        for (int it = 0; it <= iterations; it++) {
            if (it % Math.max(1, iterations / 50) == 0 || it == iterations || contains(snapshots, it)) {
                Tensor predicted = model.trajectory(y0, times).detach();
                double loss = predicted.sub(observed).abs().mean().item();
                evalIterations.add((double) it);
                evalLoss.add(loss);
                if (it == 0) {
                    firstLoss = loss;
                }
                if (contains(snapshots, it)) {
                    learned.put("iteration " + it, columns(predicted));
                    System.out.println(Cli.fmt("iteration %5d  loss on the whole trajectory %.4f  (%.1f s)", it, loss,
                            (System.nanoTime() - start) / 1e9));
                }
            }
            if (it == iterations) {
                break;
            }
            int[] starts = new int[batch];
            for (int b = 0; b < batch; b++) {
                starts[b] = rng.nextInt(points - window);
            }
            Tensor batchY0 = observed.indexSelect(0, Tensor.of(starts, batch));                    // [B, 2]
            Tensor[] targets = new Tensor[window];
            for (int k = 0; k < window; k++) {
                int[] rows = new int[batch];
                for (int b = 0; b < batch; b++) {
                    rows[b] = starts[b] + k;
                }
                targets[k] = observed.indexSelect(0, Tensor.of(rows, batch));
            }
            Tensor target = Tensor.stack(0, targets);                                               // [T, B, 2]
            model.zeroGrad();
            Tensor loss = model.trajectory(batchY0, windowTimes).sub(target).abs().mean();
            loss.backward();
            optimizer.step(model.parameters());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double finalLoss = evalLoss.get(evalLoss.size() - 1);

        Charts.phasePanels(dir.resolve("trajectories.png"), "Neural ODE learning a spiral: learned vs true",
                columns(observed), learned);
        double[] xs = evalIterations.stream().mapToDouble(Double::doubleValue).toArray();
        double[] ys = evalLoss.stream().mapToDouble(v -> Math.log10(v)).toArray();
        Plots.line(dir.resolve("loss.png"), "Mean absolute error on the whole trajectory (log10)", "iteration",
                "log10 MAE", xs, Map.of("trajectory from y(0)", ys), PlotSize.DEFAULT);
        System.out.println(Cli.fmt("trained in %.1f s (%.2f ms per iteration); wrote trajectories.png and loss.png to %s",
                seconds, 1e3 * seconds / iterations, dir));
        System.out.println(Cli.fmt("RESULT example=neural-ode first_loss=%.6f loss=%.6f iterations=%d seconds=%.3f "
                + "sensitivity=%s", firstLoss, finalLoss, iterations, seconds, sensitivity));
        return 0;
    }

    /** The true trajectory from y(0) = (2, 0), solved tightly with DOP853. */
    static double[][] spiral(double[] times) {
        OdeProblem problem = OdeProblem.of((du, u, p, t) -> {
            double a = u[0] * u[0] * u[0];
            double b = u[1] * u[1] * u[1];
            // (y^3) A with A = [[-0.1, 2], [-2, -0.1]] (a row vector times A).
            du[0] = -0.1 * a - 2.0 * b;
            du[1] = 2.0 * a - 0.1 * b;
        }, new double[] {2, 0}, times[0], times[times.length - 1]).asAutonomous();
        Solution s = Ode.solve(problem, Method.DOP853,
                SolverOptions.defaults().withTolerances(1e-10, 1e-12).withSaveAt(times));
        return s.u();
    }

    private static Tensor normal(Random rng, double std, int... dims) {
        return Tensor.randn(rng, DType.FLOAT64, dims).mul(std);
    }

    private static double[] flatten(double[][] rows) {
        double[] out = new double[rows.length * 2];
        for (int i = 0; i < rows.length; i++) {
            out[2 * i] = rows[i][0];
            out[2 * i + 1] = rows[i][1];
        }
        return out;
    }

    /** A [T, 2] trajectory as {xs, ys}. */
    private static double[][] columns(Tensor trajectory) {
        double[] flat = trajectory.toDoubleArray();
        int n = flat.length / 2;
        double[][] out = new double[2][n];
        for (int i = 0; i < n; i++) {
            out[0][i] = flat[2 * i];
            out[1][i] = flat[2 * i + 1];
        }
        return out;
    }

    /** Four iterations to show: the start, two along the way, the end. */
    private static int[] snapshotIterations(int iterations) {
        return new int[] {0, iterations / 10, iterations / 3, iterations};
    }

    private static boolean contains(int[] values, int v) {
        for (int x : values) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }
}
