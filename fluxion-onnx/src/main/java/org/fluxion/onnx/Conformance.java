package org.fluxion.onnx;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.fluxion.jit.Jit;
import org.fluxion.onnx.proto.OnnxProto.TensorProto;
import org.fluxion.onnx.proto.OnnxProto.ValueInfoProto;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Runs ONNX backend-test directories (each test a folder holding {@code model.onnx} and
 * {@code test_data_set_N/input_K.pb, output_K.pb}), as Debian's libonnx-testdata ships them. A test passes
 * when every data set's outputs match in dtype, shape and value ({@code |a - b| <= atol + rtol |b|}, NaN
 * matching NaN); it is unsupported when loading reports {@link UnsupportedModelException} (or a run meets an
 * unsupported case); anything else fails, with the reason. A test with string inputs or outputs runs through
 * {@link OnnxModel#runValues} (strings match exactly); under {@code jit} its string inputs are closed over as
 * constants, and a test with string outputs is unsupported, since strings cannot be traced.
 */
public final class Conformance {
    /** Relative tolerance, ONNX's backend-test default. */
    public static final double RTOL = 1e-3;
    /** Absolute tolerance: float32 kernels summing in a different order differ by a few ulps of 1. */
    public static final double ATOL = 1e-5;

    /** The outcome of one directory of tests: names, and for failures and unsupported tests the reason. */
    public record Result(Path dir, List<String> passed, Map<String, String> failed, Map<String, String> unsupported) {
        /** {@code node: 612 passed, 120 failed, 200 unsupported}. */
        public String summary() {
            return dir + ": " + passed.size() + " passed, " + failed.size() + " failed, " + unsupported.size()
                    + " unsupported";
        }
    }

    private Conformance() {
    }

    /** Runs every test under {@code dir} (eagerly, or each model under {@code jit}). */
    public static Result run(Path dir, boolean jit) {
        List<Path> tests;
        try (Stream<Path> s = Files.list(dir)) {
            tests = s.filter(p -> Files.isRegularFile(p.resolve("model.onnx"))).sorted().toList();
        } catch (IOException e) {
            throw new OnnxException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        List<String> passed = new ArrayList<>();
        Map<String, String> failed = new LinkedHashMap<>();
        Map<String, String> unsupported = new LinkedHashMap<>();
        for (Path test : tests) {
            String name = test.getFileName().toString();
            try {
                String problem = runOne(test, jit);
                if (problem == null) {
                    passed.add(name);
                } else {
                    failed.put(name, problem);
                }
            } catch (UnsupportedModelException e) {
                unsupported.put(name, String.join(", ", e.unsupported()));
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                failed.put(name, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        return new Result(dir, passed, failed, unsupported);
    }

    /** Null when the test passes, else what differed. */
    static String runOne(Path test, boolean jit) {
        OnnxModel model = Onnx.load(test.resolve("model.onnx"));
        List<Path> sets;
        try (Stream<Path> s = Files.list(test)) {
            sets = s.filter(p -> p.getFileName().toString().startsWith("test_data_set_")).sorted().toList();
        } catch (IOException e) {
            throw new OnnxException("cannot list " + test + ": " + e.getMessage(), e);
        }
        for (Path set : sets) {
            List<Object> inputs = numbered(set, "input_", model.proto().getGraph().getInputList(), model.inputNames());
            List<Object> expected = numbered(set, "output_", model.proto().getGraph().getOutputList(),
                    model.outputNames());
            if (inputs.size() != model.inputNames().size()) {
                return set.getFileName() + ": " + inputs.size() + " input files for inputs " + model.inputNames();
            }
            if (jit && expected.stream().anyMatch(v -> v instanceof StringTensor)) {
                throw new UnsupportedModelException(test.toString(), List.of("string outputs under jit"));
            }
            Object[] actual = jit ? jitted(model, inputs) : apply(model, inputs.toArray());
            if (actual.length != expected.size()) {
                return set.getFileName() + ": " + actual.length + " outputs, expected " + expected.size();
            }
            for (int i = 0; i < actual.length; i++) {
                String problem = compare(actual[i], expected.get(i));
                if (problem != null) {
                    return set.getFileName() + " output " + model.outputNames().get(i) + ": " + problem;
                }
            }
        }
        return null;
    }

    /**
     * The model under {@code jit}, traced over its floating-point inputs of rank 1 or more; integer, bool and
     * scalar inputs (shapes, axes, indices, Range bounds, Pad values in these tests) are closed over as
     * constants, as a user passes static arguments. When a traced float input turns out to set sizes (Resize's
     * scales), the trace is retried with only the first input, the data, traced.
     */
    private static Tensor[] jitted(OnnxModel model, List<Object> inputs) {
        List<Integer> traced = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            if (inputs.get(i) instanceof Tensor t && t.dtype().isFloatingPoint() && t.rank() > 0) {
                traced.add(i);
            }
        }
        try {
            return jitted(model, inputs, traced);
        } catch (OnnxException e) {
            // A float input that sets sizes (Resize's scales and roi): static too, tracing only the data (input 0).
            if (!(e.getMessage().contains("must be a constant") || e.getMessage().contains("must not depend"))
                    || traced.size() < 2 || traced.get(0) != 0) {
                throw e;
            }
            return jitted(model, inputs, List.of(0));
        }
    }

    private static Tensor[] jitted(OnnxModel model, List<Object> inputs, List<Integer> traced) {
        Function<Tensor[], Tensor[]> f = Jit.jit(xs -> {
            Object[] all = inputs.toArray();
            for (int k = 0; k < xs.length; k++) {
                all[traced.get(k)] = xs[k];
            }
            return java.util.Arrays.stream(apply(model, all)).map(Tensor.class::cast).toArray(Tensor[]::new);
        });
        return f.apply(traced.stream().map(i -> (Tensor) inputs.get(i)).toArray(Tensor[]::new));
    }

    /** The model's outputs (tensors or string tensors) for positional inputs (the same). */
    private static Object[] apply(OnnxModel model, Object[] inputs) {
        Map<String, Object> named = new LinkedHashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            named.put(model.inputNames().get(i), inputs[i]);
        }
        return model.runValues(named).values().toArray();
    }

    /**
     * The tensors {@code prefix0.pb, prefix1.pb, ...} of a data set, the k-th belonging to {@code names[k]}.
     * The test data of ONNX 1.12 stores a BFLOAT16 tensor as UINT16 (NumPy has no bfloat16): the same bits,
     * read as BFLOAT16 when the graph declares that value BFLOAT16.
     */
    private static List<Object> numbered(Path set, String prefix, List<ValueInfoProto> declared, List<String> names) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; ; i++) {
            Path p = set.resolve(prefix + i + ".pb");
            if (!Files.isRegularFile(p)) {
                return out;
            }
            if (i < names.size() && declaredType(declared, names.get(i)) == ElementType.BFLOAT16) {
                try {
                    TensorProto t = TensorProto.parseFrom(Files.readAllBytes(p));
                    if (t.getDataType() == ElementType.UINT16) {
                        out.add(TensorProtos.read(t.toBuilder().setDataType(ElementType.BFLOAT16).build(),
                                set, p.toString()));
                        continue;
                    }
                } catch (IOException e) {
                    throw new OnnxException("cannot read " + p + ": " + e.getMessage(), e);
                }
            }
            out.add(StringProtos.readValueFile(p));
        }
    }

    private static int declaredType(List<ValueInfoProto> declared, String name) {
        for (ValueInfoProto v : declared) {
            if (v.getName().equals(name) && v.getType().hasTensorType()) {
                return v.getType().getTensorType().getElemType();
            }
        }
        return 0;
    }

    /** Null when {@code actual} matches {@code expected}: both string tensors or both tensors, see below. */
    static String compare(Object actual, Object expected) {
        return switch (actual) {
            case Tensor a when expected instanceof Tensor e -> compare(a, e);
            case StringTensor a when expected instanceof StringTensor e -> compare(a, e);
            default -> "a " + actual.getClass().getSimpleName() + ", expected a "
                    + expected.getClass().getSimpleName();
        };
    }

    /** Null when the shapes and every string are equal. */
    static String compare(StringTensor actual, StringTensor expected) {
        if (!actual.shape().equals(expected.shape())) {
            return "shape " + actual.shape() + ", expected " + expected.shape();
        }
        for (int i = 0; i < actual.size(); i++) {
            if (!actual.values().get(i).equals(expected.values().get(i))) {
                return "element " + i + " is '" + actual.values().get(i) + "', expected '"
                        + expected.values().get(i) + "'";
            }
        }
        return null;
    }

    /** Null when {@code actual} matches {@code expected} in dtype, shape and value. */
    static String compare(Tensor actual, Tensor expected) {
        if (actual.dtype() != expected.dtype()) {
            return "dtype " + actual.dtype() + ", expected " + expected.dtype();
        }
        if (!actual.shape().equals(expected.shape())) {
            return "shape " + actual.shape() + ", expected " + expected.shape();
        }
        if (actual.dtype() == DType.BOOL || !actual.dtype().isFloatingPoint()) {
            long[] a = actual.to(DType.INT64).toLongArray();
            long[] e = expected.to(DType.INT64).toLongArray();
            for (int i = 0; i < a.length; i++) {
                if (a[i] != e[i]) {
                    return "element " + i + " is " + a[i] + ", expected " + e[i];
                }
            }
            return null;
        }
        double[] a = actual.toDoubleArray();
        double[] e = expected.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            boolean same = Double.isNaN(e[i]) ? Double.isNaN(a[i])
                    : a[i] == e[i] || Math.abs(a[i] - e[i]) <= ATOL + RTOL * Math.abs(e[i]);
            if (!same) {
                return "element " + i + " is " + a[i] + ", expected " + e[i];
            }
        }
        return null;
    }

    /** Prints the summary line of each result and its failing tests, with reasons when {@code verbose}. */
    public static void print(Result r, PrintStream out, boolean verbose) {
        out.println(r.summary());
        if (!r.failed().isEmpty()) {
            out.println("  failed: " + String.join(" ", r.failed().keySet()));
        }
        if (verbose) {
            r.failed().forEach((k, v) -> out.println("  FAIL " + k + ": " + v));
            r.unsupported().forEach((k, v) -> out.println("  UNSUPPORTED " + k + ": " + v));
        }
    }

    /** {@code Conformance DIR... [--jit] [--verbose]}. */
    public static void main(String[] args) {
        boolean jit = List.of(args).contains("--jit");
        boolean verbose = List.of(args).contains("--verbose");
        for (String a : args) {
            if (!a.startsWith("--")) {
                print(run(Path.of(a), jit), System.out, verbose);
            }
        }
    }
}
