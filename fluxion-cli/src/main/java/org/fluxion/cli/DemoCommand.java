package org.fluxion.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import org.fluxion.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fluxion demo}: a short tour of the tensor core, ending with a linear regression fitted by
 * gradient descent on tensors (gradients written by hand until autodiff lands).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Tour tensors, broadcasting, reductions and matmul, then fit a linear regression.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--seed", description = "random seed (default: ${DEFAULT-VALUE})", defaultValue = "42")
    long seed;

    @Option(names = "--steps", description = "gradient-descent steps (default: ${DEFAULT-VALUE})", defaultValue = "300")
    int steps;

    @Option(names = "--threads", description = "worker threads for kernels (default: all cores)")
    Integer threads;

    @Override
    public Integer call() {
        Cli.atLeast(spec, "--steps", steps, 1);
        Cli.threads(spec, threads);
        Tensor x = Tensor.arange(6).reshape(2, 3).to(org.fluxion.tensor.DType.FLOAT32);
        System.out.println("x = " + x);
        System.out.println("x + [10, 20, 30] (broadcast) = " + x.add(Tensor.vector(10, 20, 30)));
        System.out.println("x.sum(0) = " + x.sum(0));
        System.out.println("x @ x^T = " + x.matmul(x.transpose()));
        System.out.println("softmax(x, axis 1) = " + x.softmax(1));

        // y = X w + b + noise; recover w and b by gradient descent on the mean squared error.
        int n = 1000;
        int d = 4;
        Tensor trueW = Tensor.vector(2, -1, 0.5f, 3).reshape(d, 1);
        float trueB = 0.7f;
        Tensor features = Tensor.randn(seed, n, d);
        Tensor targets = features.matmul(trueW).add(trueB).add(Tensor.randn(seed + 1, n, 1).mul(0.1));
        Tensor w = Tensor.zeros(d, 1);
        Tensor b = Tensor.zeros(1);
        double lr = 0.1;
        long t0 = System.nanoTime();
        double loss = Double.NaN;
        for (int step = 0; step < steps; step++) {
            Tensor residual = features.matmul(w).add(b).sub(targets);    // [n, 1]
            loss = residual.square().mean().item();
            Tensor gradW = features.transpose().matmul(residual).mul(2.0 / n); // d/dw mean(r^2)
            Tensor gradB = residual.sum(new int[] {0}, false).mul(2.0 / n);
            w = w.sub(gradW.mul(lr));
            b = b.sub(gradB.mul(lr));
        }
        double seconds = (System.nanoTime() - t0) * 1e-9;
        System.out.println("linear regression, " + steps + " steps: w = " + w.flatten() + ", b = " + b);
        System.out.println("true values:                 w = " + trueW.flatten() + ", b = " + trueB);
        System.out.printf(Locale.ROOT, "RESULT demo=linear-regression mse=%.5f seconds=%.3f%n", loss, seconds);
        return 0;
    }
}
