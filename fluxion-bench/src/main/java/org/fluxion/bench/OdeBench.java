package org.fluxion.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.fluxion.nn.Activation;
import org.fluxion.nn.Linear;
import org.fluxion.nn.NeuralOde;
import org.fluxion.kernels.Parallel;
import org.fluxion.ode.JacobianStructure;
import org.fluxion.ode.Method;
import org.fluxion.ode.Ode;
import org.fluxion.ode.OdeProblem;
import org.fluxion.ode.ProblemLibrary;
import org.fluxion.ode.SensitivityMethod;
import org.fluxion.ode.Solution;
import org.fluxion.ode.SolverOptions;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * {@code ./fluxion bench ode}: Fluxion's ODE solvers against SciPy's {@code solve_ivp} at the same rtol/atol,
 * one thread, on the problems: non-stiff Lotka–Volterra and pendulum (DP5 vs RK45, DOP853 vs DOP853),
 * stiff Van der Pol mu = 1000 and Robertson (Rodas4 and Radau5 vs Radau and BDF, both sides with the analytic
 * Jacobian), BDF vs BDF, Tsit5/Rodas4 switching vs LSODA, and the Brusselator PDE with 100 and 500 grid
 * points and a banded Jacobian (BDF and Radau5 vs BDF and Radau with the band as {@code jac_sparsity}).
 * Each configuration prints the time per solve, the RHS evaluations and the achieved error against a tight
 * reference (the largest componentwise relative error at the end: a work-precision point on each side), then
 * its BENCH line. Then the gradient of {@code sum(u(1))} through a 50-dimensional neural ODE (MLP 50-50-50,
 * tanh, float32) w.r.t. its weights: Fluxion's interpolating adjoint with a jit-compiled field, and its
 * discrete sensitivities (the same DP5 loop on Fluxion's eager tape), against
 * PyTorch eager with a hand-written Dormand–Prince loop and autograd through its steps
 * ({@code python/neural_ode_torch.py}, same weights, same first step and controller).
 */
public final class OdeBench implements Benchmark {
    private static final int REPEATS = 5;

    @Override
    public String name() {
        return "ode";
    }

    @Override
    public String description() {
        return "ODE solves (DP5, DOP853, Rodas4, Radau5, BDF, auto-switching) vs SciPy solve_ivp; neural-ODE gradient vs PyTorch eager";
    }

    /** One solver configuration: a problem, both sides' methods, the tolerances and the reference solve. */
    record Config(String problemName, OdeProblem problem, Method method, String scipyMethod, double rtol,
                  double[] atol, Method referenceMethod, double referenceRtol, double[] referenceAtol,
                  double fluxionRtol) {
        Config(String problemName, OdeProblem problem, Method method, String scipyMethod, double rtol, double[] atol,
               Method referenceMethod, double referenceRtol, double[] referenceAtol) {
            this(problemName, problem, method, scipyMethod, rtol, atol, referenceMethod, referenceRtol, referenceAtol,
                    rtol);
        }

        String id() {
            String fluxion = fluxionRtol == rtol ? "" : String.format(Locale.ROOT, "-rtol%.0e", fluxionRtol);
            return String.format(Locale.ROOT, "%s-%s%s-vs-%s-rtol%.0e", problemName,
                    method.name().toLowerCase(Locale.ROOT), fluxion, scipyMethod.toLowerCase(Locale.ROOT), rtol)
                    .replace("e-0", "e-");
        }

        /** Fluxion's options: the reference's atol, and its rtol unless a tighter one matches its accuracy. */
        SolverOptions options() {
            double[] a = atol.clone();
            for (int i = 0; i < a.length; i++) {
                a[i] *= fluxionRtol / rtol;
            }
            return tolerances(fluxionRtol, a);
        }

        static SolverOptions tolerances(double rtol, double[] atol) {
            double[] r = new double[atol.length];
            java.util.Arrays.fill(r, rtol);
            return SolverOptions.defaults().withTolerances(r, atol);
        }
    }

    static List<Config> configs() {
        List<Config> out = new ArrayList<>();
        for (String name : new String[] {"lotka-volterra", "pendulum"}) {
            OdeProblem p = name.equals("pendulum") ? ProblemLibrary.pendulum() : ProblemLibrary.lotkaVolterra();
            double[] tight = {1e-15, 1e-15};
            out.add(new Config(name, p, Method.DP5, "RK45", 1e-6, new double[] {1e-9, 1e-9}, Method.DOP853, 1e-13, tight));
            out.add(new Config(name, p, Method.DP5, "RK45", 1e-9, new double[] {1e-12, 1e-12}, Method.DOP853, 1e-13,
                    tight));
            out.add(new Config(name, p, Method.DOP853, "DOP853", 1e-10, new double[] {1e-13, 1e-13}, Method.DOP853,
                    1e-13, tight));
        }
        OdeProblem vdp = ProblemLibrary.vanDerPol(1000, 3000);
        OdeProblem rober = ProblemLibrary.robertson();
        double[] vdpTight = {1e-15, 1e-15};
        for (String scipy : new String[] {"Radau", "BDF"}) {
            out.add(new Config("vdp1000", vdp, Method.RODAS4, scipy, 1e-6, new double[] {1e-9, 1e-9}, Method.RODAS4,
                    1e-12, vdpTight));
            out.add(new Config("robertson", rober, Method.RODAS4, scipy, 1e-6, new double[] {1e-10, 1e-14, 1e-10},
                    Method.RODAS4, 1e-12, new double[] {1e-16, 1e-20, 1e-16}));
        }
        // The implicit Radau IIA against SciPy's implicit methods, at two tolerances each.
        for (String scipy : new String[] {"Radau", "BDF"}) {
            for (double rtol : new double[] {1e-6, 1e-9}) {
                double s = rtol / 1e-6;
                out.add(new Config("vdp1000", vdp, Method.RADAU5, scipy, rtol, new double[] {1e-9 * s, 1e-9 * s},
                        Method.RODAS4, 1e-12, vdpTight));
                out.add(new Config("robertson", rober, Method.RADAU5, scipy, rtol,
                        new double[] {1e-10 * s, 1e-14 * s, 1e-10 * s}, Method.RODAS4, 1e-12,
                        new double[] {1e-16, 1e-20, 1e-16}));
            }
        }
        // The variable-order BDF against SciPy's BDF (the same NDF algorithm), at two tolerances each.
        for (double rtol : new double[] {1e-6, 1e-9}) {
            double s = rtol / 1e-6;
            out.add(new Config("vdp1000", vdp, Method.BDF, "BDF", rtol, new double[] {1e-9 * s, 1e-9 * s},
                    Method.RODAS4, 1e-12, vdpTight));
            out.add(new Config("robertson", rober, Method.BDF, "BDF", rtol,
                    new double[] {1e-10 * s, 1e-14 * s, 1e-10 * s}, Method.RODAS4, 1e-12,
                    new double[] {1e-16, 1e-20, 1e-16}));
        }
        // Automatic stiffness switching against LSODA.
        out.add(new Config("vdp1000", vdp, Method.AUTO_TSIT5_RODAS4, "LSODA", 1e-6, new double[] {1e-9, 1e-9},
                Method.RODAS4, 1e-12, vdpTight));
        // The Brusselator PDE with a banded Jacobian (grouped differences, banded LU) against SciPy's BDF with
        // the band as jac_sparsity (grouped differences, sparse LU).
        for (int grid : new int[] {100, 500}) {
            OdeProblem bruss = ProblemLibrary.brusselator(grid);
            bruss = bruss.withJacobianStructure(JacobianStructure.banded(bruss.size(), 2, 2));
            double[] atol = new double[bruss.size()];
            double[] tight = new double[bruss.size()];
            java.util.Arrays.fill(atol, 1e-8);
            java.util.Arrays.fill(tight, 1e-14);
            out.add(new Config("brusselator" + grid, bruss, Method.BDF, "BDF", 1e-6, atol, Method.RODAS4, 1e-11,
                    tight));
            out.add(new Config("brusselator" + grid, bruss, Method.RADAU5, "Radau", 1e-6, atol, Method.RODAS4, 1e-11,
                    tight));
        }
        // Radau is more accurate than Rodas4 at the same rtol on Van der Pol: Rodas4 at a tighter rtol gives
        // an equal-accuracy point.
        out.add(new Config("vdp1000", vdp, Method.RODAS4, "Radau", 1e-6, new double[] {1e-9, 1e-9}, Method.RODAS4,
                1e-12, vdpTight, 1e-8));
        return out;
    }

    /** The largest componentwise relative error of {@code u} against {@code reference}. */
    static double error(double[] u, double[] reference) {
        double worst = 0;
        for (int i = 0; i < u.length; i++) {
            worst = Math.max(worst, Math.abs(u[i] - reference[i]) / Math.abs(reference[i]));
        }
        return worst;
    }

    @Override
    public void run(PrintStream out) throws Exception {
        Parallel.setThreads(1); // as the references: 1 thread
        try {
            runSingleThreaded(out);
        } finally {
            Parallel.setThreads(Runtime.getRuntime().availableProcessors());
        }
    }

    private void runSingleThreaded(PrintStream out) throws Exception {
        boolean scipy = PythonReference.available("scipy");
        out.println("Time per solve (steady state, median of " + REPEATS + "), RHS evaluations, and the largest "
                + "componentwise relative error at the end against a tight reference; 1 thread both sides.");
        List<String> lines = new ArrayList<>();
        for (Config c : configs()) {
            if (BenchLine.selected(c.id())) {
                lines.add(solverConfig(c, scipy, out));
            }
        }
        lines.addAll(neuralOde(out));
        lines.forEach(out::println);
    }

    private String solverConfig(Config c, boolean scipy, PrintStream out) throws IOException {
        double[] reference = Ode.solve(c.problem(), c.referenceMethod(),
                Config.tolerances(c.referenceRtol(), c.referenceAtol())).last();
        SolverOptions options = c.options();
        Solution[] last = new Solution[1];
        Runnable fluxion = () -> last[0] = Ode.solve(c.problem(), c.method(), options);
        double pilot = Alternating.time(fluxion, 1);
        int fluxionCalls = Math.max(1, (int) Math.min(20_000, 0.1 / Math.max(pilot, 1e-7)));
        // Warm-up: about a second of solves, so that the JIT has compiled the solver's loops.
        for (int i = 0; i < 10; i++) {
            Alternating.time(fluxion, fluxionCalls);
        }
        String fluxionPart = String.format(Locale.ROOT, "Fluxion %s %s, %d RHS, %d steps, err %.1e", c.method()
                + (c.fluxionRtol() != c.rtol() ? " at rtol " + c.fluxionRtol() : ""), "%s", last[0].statistics().rhsEvaluations(), last[0].statistics().acceptedSteps(),
                error(last[0].last(), reference));
        if (!scipy) {
            double t = Alternating.time(fluxion, fluxionCalls);
            out.println(c.id() + ": " + String.format(fluxionPart, BenchLine.seconds(t)));
            return BenchLine.unavailable(name(), c.id(), BenchLine.seconds(t), PythonReference.SCIPY_HINT);
        }
        List<String> args = new ArrayList<>(List.of(c.problemName(), c.scipyMethod(), Double.toString(c.rtol())));
        for (double a : c.atol()) {
            args.add(Double.toString(a));
        }
        try (PythonReference ref = PythonReference.start("ode_scipy", 1, args.toArray(String[]::new))) {
            double refPilot = ref.run(1);
            int referenceCalls = Math.max(1, (int) Math.min(1000, 0.3 / refPilot));
            Alternating.Result r = Alternating.runTimed(fluxion, ref::run, 1, REPEATS, fluxionCalls, referenceCalls);
            String[] info = ref.info().split(" ");
            double[] y = new double[c.problem().size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = Double.parseDouble(info[3 + i]);
            }
            out.println(c.id() + ": " + String.format(fluxionPart, BenchLine.seconds(r.fluxionSeconds()))
                    + String.format(Locale.ROOT, " | SciPy %s %s, %s RHS (+%s Jacobians, %s LU), err %.1e | %.0fx",
                    c.scipyMethod(), BenchLine.seconds(r.referenceSeconds()), info[0], info[1], info[2],
                    error(y, reference), r.referenceSeconds() / r.fluxionSeconds()));
            out.flush();
            return BenchLine.time(name(), c.id(), r.fluxionSeconds(), r.referenceSeconds());
        }
    }

    /**
     * The neural-ODE gradient, for a batch of 1 and of 64 states, by the interpolating adjoint, on the tape, and
     * by the discrete adjoint (the tape's gradient by a reverse sweep of compiled VJPs).
     */
    private List<String> neuralOde(PrintStream out) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int batch : new int[] {1, 64}) {
            for (SensitivityMethod how : new SensitivityMethod[] {SensitivityMethod.INTERPOLATING_ADJOINT,
                    SensitivityMethod.DISCRETE, SensitivityMethod.DISCRETE_ADJOINT}) {
                if (BenchLine.selected(neuralOdeConfig(batch, how))) {
                    lines.add(neuralOde(out, batch, how));
                }
            }
        }
        return lines;
    }

    private static String neuralOdeConfig(int batch, SensitivityMethod how) {
        String method = switch (how) {
            case DISCRETE -> "discrete";
            case DISCRETE_ADJOINT -> "discrete-adjoint";
            default -> "adjoint";
        };
        return "neural-ode-d50-b" + batch + "-f32-grad-" + method;
    }

    private String neuralOde(PrintStream out, int batch, SensitivityMethod how) throws IOException {
        int d = 50;
        int hidden = 50;
        double rtol = 1e-5;
        double atol = 1e-7;
        double h0 = 0.05;
        Random rng = new Random(14);
        Linear l1 = new Linear(d, hidden, true, DType.FLOAT32, rng);
        Linear l2 = new Linear(hidden, d, true, DType.FLOAT32, rng);
        Tensor u0 = Tensor.randn(rng, DType.FLOAT32, batch, d);
        NeuralOde model = new NeuralOde(new Linear[] {l1, l2}, Activation.tanh(), null, 0, 1, Method.DP5,
                SolverOptions.defaults().withTolerances(rtol, atol).withInitialStep(h0), how);
        Runnable fluxion = () -> {
            model.zeroGrad();
            model.apply(u0).sum().backward();
        };
        String label = switch (how) {
            case DISCRETE -> "DP5 on the tape (discrete)";
            case DISCRETE_ADJOINT -> "DP5 discrete adjoint (reverse sweep, jit field VJPs)";
            default -> "interpolating adjoint (jit field)";
        };
        String config = neuralOdeConfig(batch, how);
        // Warm-up: at least 200 gradients and 3 seconds, so that the JIT has compiled the GEMM and vector kernels
        // (on a loaded machine their C2 compilation took 8 s of a run, the gradient meanwhile 3x slower).
        long warmUntil = System.nanoTime() + 3_000_000_000L;
        for (int i = 0; i < 200 || System.nanoTime() < warmUntil; i++) {
            fluxion.run();
        }
        double pilot = Alternating.time(fluxion, 3);
        int fluxionCalls = Math.max(1, (int) (0.3 / pilot));
        String grads = String.format(Locale.ROOT, "sum dL/dW1 %.5g, sum dL/dW2 %.5g", l1.weight().grad().sum().item(),
                l2.weight().grad().sum().item());
        if (!PythonReference.available()) {
            double t = Alternating.time(fluxion, fluxionCalls);
            out.println(config + ": Fluxion " + label + " " + BenchLine.seconds(t) + " per gradient (" + grads + ")");
            return BenchLine.unavailable(name(), config, BenchLine.seconds(t), PythonReference.INSTALL_HINT);
        }
        Path weights = Files.createTempFile("fluxion-neural-ode", ".txt");
        try {
            StringBuilder s = new StringBuilder(d + " " + hidden + " " + batch + "\n");
            for (Tensor t : new Tensor[] {l1.weight(), l1.bias(), l2.weight(), l2.bias(), u0}) {
                for (float v : t.detach().toFloatArray()) {
                    s.append(Float.toString(v)).append(' ');
                }
                s.append('\n');
            }
            Files.writeString(weights, s);
            try (PythonReference torch = PythonReference.start("neural_ode_torch", 1, weights.toString(),
                    Double.toString(rtol), Double.toString(atol), Double.toString(h0))) {
                double refPilot = torch.run(1);
                int referenceCalls = Math.max(1, (int) (0.3 / refPilot));
                Alternating.Result r = Alternating.runTimed(fluxion, torch::run, 1, REPEATS, fluxionCalls,
                        referenceCalls);
                String[] info = torch.info().split(" ");
                out.println(String.format(Locale.ROOT, "%s: Fluxion %s %s per gradient"
                                + " (%s) | PyTorch eager DP5 loop + autograd %s, %s steps, %s RHS (sum dL/dW1 %.5g, "
                                + "sum dL/dW2 %.5g) | %.1fx", config, label, BenchLine.seconds(r.fluxionSeconds()), grads,
                        BenchLine.seconds(r.referenceSeconds()), info[0], info[2], Double.parseDouble(info[3]),
                        Double.parseDouble(info[4]), r.referenceSeconds() / r.fluxionSeconds()));
                out.flush();
                return BenchLine.time(name(), config, r.fluxionSeconds(), r.referenceSeconds());
            }
        } finally {
            Files.deleteIfExists(weights);
        }
    }
}
