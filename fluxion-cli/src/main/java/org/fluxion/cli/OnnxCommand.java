package org.fluxion.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.fluxion.data.Npz;
import org.fluxion.jit.Jit;
import org.fluxion.onnx.Conformance;
import org.fluxion.onnx.Onnx;
import org.fluxion.onnx.OnnxModel;
import org.fluxion.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fluxion onnx test|run|info}: ONNX models through Fluxion's importer. */
@Command(name = "onnx", mixinStandardHelpOptions = true,
        description = "Run, inspect and conformance-test ONNX models.",
        subcommands = {OnnxCommand.Test.class, OnnxCommand.Run.class, OnnxCommand.Info.class})
final class OnnxCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The ONNX backend tests of each directory: one summary line each, then the failing names. */
    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "Run ONNX backend-test directories (model.onnx + test_data_set_*), e.g. "
                    + "/usr/share/libonnx-testdata/data/node; prints N passed, N failed, N unsupported.")
    static final class Test implements Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "DIR", description = "directories of tests")
        List<Path> dirs;

        @Option(names = "--jit", description = "run each model under jit (integer and scalar inputs static)")
        boolean jit;

        @Option(names = "--reasons", description = "print why each test failed or is unsupported")
        boolean reasons;

        @Override
        public Integer call() {
            boolean anyFailed = false;
            for (Path dir : dirs) {
                Conformance.Result r = Conformance.run(dir, jit);
                Conformance.print(r, System.out, reasons);
                anyFailed |= !r.failed().isEmpty();
            }
            return anyFailed ? Cli.EXIT_ERROR : 0;
        }
    }

    /** One model on the arrays of an .npz file, outputs to another. */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run MODEL on --input (an .npz with one array per graph input, by name) and write "
                    + "the outputs by graph output name to --output.")
    static final class Run implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "MODEL", description = "the .onnx file")
        Path model;

        @Option(names = "--input", required = true, paramLabel = "IN.npz", description = "inputs by name")
        Path input;

        @Option(names = "--output", required = true, paramLabel = "OUT.npz", description = "where to write outputs")
        Path output;

        @Option(names = "--jit", description = "compile the whole graph with jit first")
        boolean jit;

        @Override
        public Integer call() throws Exception {
            OnnxModel m = Onnx.load(model);
            Map<String, Tensor> arrays = Npz.read(input);
            Tensor[] xs = new Tensor[m.inputNames().size()];
            for (int i = 0; i < xs.length; i++) {
                String name = m.inputNames().get(i);
                xs[i] = arrays.get(name);
                if (xs[i] == null) {
                    throw new IllegalArgumentException(input + " has no array '" + name + "'; the model takes "
                            + m.inputNames() + ", the file holds " + arrays.keySet());
                }
            }
            Function<Tensor[], Tensor[]> f = jit ? Jit.jit(m.function()) : m.function();
            Tensor[] ys = f.apply(xs);
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (int i = 0; i < ys.length; i++) {
                out.put(m.outputNames().get(i), ys[i]);
            }
            Npz.write(output, out, false);
            for (var e : out.entrySet()) {
                System.out.println(e.getKey() + ": " + e.getValue().dtype() + e.getValue().shape());
            }
            return 0;
        }
    }

    /** What a model takes, gives and is made of. */
    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "Print MODEL's inputs, outputs, opset, operator histogram and parameter count.")
    static final class Info implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "MODEL", description = "the .onnx file")
        Path model;

        @Override
        public Integer call() {
            OnnxModel m = Onnx.load(model);
            var p = m.proto();
            System.out.println(model + ": IR version " + p.getIrVersion() + ", opset " + m.opset()
                    + (p.getProducerName().isEmpty() ? "" : ", produced by " + p.getProducerName() + " "
                    + p.getProducerVersion()));
            System.out.println("inputs:");
            m.describeInputs().forEach(s -> System.out.println("  " + s));
            System.out.println("outputs:");
            m.describeOutputs().forEach(s -> System.out.println("  " + s));
            System.out.println("operators:");
            m.operatorHistogram().entrySet().stream()
                    .sorted((a, b) -> b.getValue() - a.getValue() != 0 ? b.getValue() - a.getValue()
                            : a.getKey().compareTo(b.getKey()))
                    .forEach(e -> System.out.printf("  %6d  %s%n", e.getValue(), e.getKey()));
            System.out.printf("parameters: %,d in %d initializers%n", m.parameterCount(), m.initializers().size());
            return 0;
        }
    }
}
