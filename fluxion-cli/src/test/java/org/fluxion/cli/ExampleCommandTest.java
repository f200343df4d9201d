package org.fluxion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each example at reduced size: it runs, writes its PNGs and reaches a real outcome. */
class ExampleCommandTest {
    @TempDir
    Path tmp;

    private CliRun example(String name, String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "example";
        all[1] = name;
        all[2] = "--out";
        all[3] = tmp.toString();
        System.arraycopy(args, 0, all, 4, args.length);
        CliRun run = CliRun.of(all);
        assertEquals(0, run.exitCode(), run.err());
        return run;
    }

    /** The key=value pairs of the RESULT lines, in order. */
    private static List<Map<String, String>> results(CliRun run) {
        return run.lines().stream().filter(l -> l.startsWith("RESULT ")).map(l -> {
            Map<String, String> m = new HashMap<>();
            for (String kv : l.substring(7).split(" ")) {
                String[] p = kv.split("=", 2);
                m.put(p[0], p[1]);
            }
            return m;
        }).toList();
    }

    private static double d(Map<String, String> r, String key) {
        return Double.parseDouble(r.get(key));
    }

    private void assertPng(String name) throws Exception {
        Path p = tmp.resolve(name);
        assertTrue(Files.exists(p), name + " written");
        byte[] head = Files.readAllBytes(p);
        assertTrue(head.length > 1000 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G', name + " is a PNG");
    }

    @Test
    void listsTheExamples() {
        CliRun run = CliRun.of("example");
        assertEquals(0, run.exitCode());
        for (String name : new String[] {"moons", "logistic", "svm", "autoencoder", "linear-regression", "flux-mnist", "tf-dnn", "deq",
                "neural-ode", "imdb"}) {
            assertTrue(run.out().contains(name), name);
        }
    }

    @Test
    void aDeepEquilibriumModelLearnsTheMoons() throws Exception {
        Map<String, String> r = results(example("deq", "--steps", "150", "--hidden", "8")).getFirst();
        assertTrue(d(r, "loss") < 0.5 * d(r, "first_loss"), "the implicit gradients train the model: " + r);
        assertTrue(d(r, "accuracy") >= 0.85, "the equilibrium model separates the moons: " + r);
        assertPng("deq_moons.png");
    }

    @Test
    void moonsBiggerHiddenLayerFitsBetter() throws Exception {
        List<Map<String, String>> r = results(example("moons", "--hidden", "1,5", "--steps", "1500"));
        assertEquals(2, r.size());
        for (Map<String, String> one : r) {
            assertTrue(d(one, "loss") < d(one, "first_loss"), "loss falls: " + one);
        }
        assertTrue(d(r.get(1), "accuracy") >= 0.93, "5 tanh units fit the moons: " + r.get(1));
        assertTrue(d(r.get(1), "loss") < d(r.get(0), "loss"), "5 units fit better than 1");
        assertPng("moons_hidden_1.png");
        assertPng("moons_hidden_5.png");
    }

    @Test
    void logisticRegressionMatchesAutogradsExample() throws Exception {
        CliRun run = example("logistic");
        Map<String, String> r = results(run).get(0);
        assertEquals(2.7726, d(r, "first_loss"), 1e-4, "4 ln 2 from zero weights");
        assertEquals(1.0673, d(r, "loss"), 1e-3, "autograd's README: trained loss after 100 steps");
        assertEquals(1.0, d(r, "accuracy"));
        assertPng("logistic_loss.png");
    }

    @Test
    void svmSeparatesTheBlobs() throws Exception {
        Map<String, String> r = results(example("svm", "--steps", "500")).get(0);
        assertEquals(1.0, d(r, "first_loss"), 1e-9, "hinge loss of zero weights");
        assertTrue(d(r, "loss") < 0.05, r.toString());
        assertEquals(1.0, d(r, "accuracy"));
        assertPng("svm.png");
    }

    @Test
    void linearRegressionLargeRateDivergesGoodRateMeetsLeastSquares() throws Exception {
        Map<String, String> r = results(example("linear-regression", "--steps", "12000")).get(0);
        assertEquals("true", r.get("large_lr_diverged"));
        assertEquals(d(r, "exact_w"), d(r, "gd_w"), 0.01);
        assertEquals(d(r, "exact_b"), d(r, "gd_b"), 0.3);
        assertTrue(d(r, "gd_mse") <= d(r, "exact_mse") * 1.001, "least squares is the minimum");
        assertPng("fit.png");
        assertPng("loss.png");
    }

    @Test
    void leastSquaresSolverMatchesTheClosedForm() {
        double[] xs = {1, 2, 3, 4, 5};
        double[] ys = {2.1, 3.9, 6.2, 7.8, 10.1};
        double[] wb = LinearRegressionExample.leastSquares(org.fluxion.tensor.Tensor.of(xs, 5),
                org.fluxion.tensor.Tensor.of(ys, 5));
        // The seed's TensorFlow formula: m = sum((x - mx)(y - my)) / sum((x - mx)^2), b = my - m mx.
        double mx = 3;
        double my = (2.1 + 3.9 + 6.2 + 7.8 + 10.1) / 5;
        double num = 0;
        double den = 0;
        for (int i = 0; i < 5; i++) {
            num += (xs[i] - mx) * (ys[i] - my);
            den += (xs[i] - mx) * (xs[i] - mx);
        }
        assertEquals(num / den, wb[0], 1e-9);
        assertEquals(my - num / den * mx, wb[1], 1e-9);
    }

    @Test
    void autoencoderLearnsToReconstructGlyphs() throws Exception {
        Map<String, String> r = results(example("autoencoder", "--dataset", "glyphs", "--samples", "400",
                "--epochs", "2", "--batch-size", "4", "--lr", "0.05")).get(0);
        assertTrue(d(r, "error") < 0.7 * d(r, "first_error"), r.toString());
        assertPng("reconstructions.png");
    }

    @Test
    void fluxMnistModelsLearn() throws Exception {
        Map<String, String> r = results(example("flux-mnist", "--dataset", "glyphs", "--samples", "600",
                "--steps", "60", "--conv-epochs", "4", "--conv-batch", "50")).get(0);
        assertTrue(d(r, "loss") < 0.6 * d(r, "first_loss"), r.toString());
        assertTrue(d(r, "mlp_test_accuracy") > 0.5, r.toString());
        assertTrue(d(r, "conv_test_accuracy") > 0.3, "better than chance: " + r);
        assertPng("mlp_loss.png");
        assertPng("conv_history.png");
    }

    @Test
    void tfDnnSeparatesSentimentAndEmbedsWords() throws Exception {
        Map<String, String> r = results(example("tf-dnn", "--train", "600", "--validation", "200", "--steps", "300",
                "--periods", "5")).get(0);
        assertTrue(d(r, "loss") < d(r, "first_loss"), r.toString());
        assertTrue(d(r, "auc") > 0.75, r.toString());
        assertPng("log_loss.png");
        assertPng("roc.png");
        assertPng("embedding.png");
    }

    @Test
    void badExampleFlagsAreParameterErrors() {
        CliRun run = CliRun.of("example", "moons", "--steps", "0", "--out", tmp.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--steps"), run.err());
        run = CliRun.of("example", "nonexistent");
        assertEquals(2, run.exitCode());
    }

    /** 150 iterations already bring the learned spiral much closer to the true one. */
    @Test
    void neuralOdeLearnsTheSpiral() throws Exception {
        Map<String, String> r = results(example("neural-ode", "--iterations", "150", "--points", "400")).get(0);
        assertTrue(d(r, "loss") < 0.6 * d(r, "first_loss"), "the trajectory error falls: " + r);
        assertEquals("INTERPOLATING_ADJOINT", r.get("sensitivity"));
        assertPng("trajectories.png");
        assertPng("loss.png");
    }
}
