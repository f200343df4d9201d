package org.fluxion.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fluxion.tensor.Tensor;

/**
 * Reference values from NumPy/SciPy, computed in a {@code /usr/bin/python3} subprocess: named float64 inputs
 * go in as text (17 significant digits, exact), Python expressions over {@code np}, {@code scipy} and the
 * inputs come back as float64 tensors. Tests that use it are skipped, with a message saying what to install,
 * when python3 or NumPy/SciPy is absent.
 */
public final class NumPyReference {
    private static final String PYTHON = "/usr/bin/python3";
    private static Boolean available;

    private final Map<String, Tensor> inputs = new LinkedHashMap<>();

    /** Skips the calling test unless python3 can import numpy and scipy. */
    public static NumPyReference require() {
        assumeTrue(available(), "skipped: /usr/bin/python3 with numpy and scipy is needed for reference values "
                + "(apt-get install python3-numpy python3-scipy)");
        return new NumPyReference();
    }

    private static synchronized boolean available() {
        if (available == null) {
            try {
                Process p = new ProcessBuilder(PYTHON, "-c", "import numpy, scipy.linalg").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                available = p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
            } catch (IOException e) {
                available = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                available = false;
            }
        }
        return available;
    }

    /** Makes {@code x} (any float dtype, read as float64) available to the expressions as {@code name}. */
    public NumPyReference input(String name, Tensor x) {
        inputs.put(name, x);
        return this;
    }

    /** The values of the expressions, each converted with {@code np.asarray(..., dtype=float64)}. */
    public List<Tensor> eval(String... expressions) {
        StringBuilder script = new StringBuilder("import sys\nimport numpy as np\nimport scipy.linalg\n"
                + "def read():\n    shape = [int(v) for v in sys.stdin.readline().split()]\n"
                + "    data = [float(v) for v in sys.stdin.readline().split()]\n"
                + "    return np.array(data, dtype=np.float64).reshape(shape)\n");
        for (String name : inputs.keySet()) {
            script.append(name).append(" = read()\n");
        }
        script.append("for e in [");
        for (String e : expressions) {
            script.append("lambda: (").append(e).append("),");
        }
        script.append("]:\n    r = np.asarray(e(), dtype=np.float64)\n"
                + "    print(' '.join(str(d) for d in r.shape))\n"
                + "    print(' '.join(repr(float(v)) for v in r.reshape(-1)))\n");
        StringBuilder stdin = new StringBuilder();
        for (Tensor x : inputs.values()) {
            for (int d : x.dims()) {
                stdin.append(d).append(' ');
            }
            stdin.append('\n');
            for (double v : x.toDoubleArray()) {
                stdin.append(v).append(' ');
            }
            stdin.append('\n');
        }
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", script.toString()).start();
            p.getOutputStream().write(stdin.toString().getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("NumPy reference failed:\n" + err);
            }
            String[] lines = out.split("\n", -1);
            List<Tensor> results = new ArrayList<>();
            for (int k = 0; k < expressions.length; k++) {
                String shapeLine = lines[2 * k].trim();
                String dataLine = lines[2 * k + 1].trim();
                int[] shape = shapeLine.isEmpty() ? new int[0] : parseInts(shapeLine.split(" "));
                double[] data = dataLine.isEmpty() ? new double[0] : parseDoubles(dataLine.split(" "));
                results.add(Tensor.of(data, shape));
            }
            return results;
        } catch (IOException e) {
            throw new IllegalStateException("NumPy reference could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The value of one expression. */
    public Tensor eval1(String expression) {
        return eval(expression).getFirst();
    }

    private static int[] parseInts(String[] s) {
        int[] r = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            r[i] = Integer.parseInt(s[i]);
        }
        return r;
    }

    private static double[] parseDoubles(String[] s) {
        double[] r = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            r[i] = switch (s[i]) {
                case "inf" -> Double.POSITIVE_INFINITY;
                case "-inf" -> Double.NEGATIVE_INFINITY;
                case "nan" -> Double.NaN;
                default -> Double.parseDouble(s[i]);
            };
        }
        return r;
    }
}
