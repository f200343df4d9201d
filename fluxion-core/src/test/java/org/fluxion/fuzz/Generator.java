package org.fluxion.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Predicate;
import org.fluxion.transforms.Control;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Generates a random {@link Program} from a seed. Every candidate operation is evaluated at once on the
 * two examples' concrete values and kept only when it is smooth there (operands of {@code log} positive,
 * of {@code relu}/{@code abs}/{@code maximum} away from the kink, no ties in {@code max}, no poles) and its
 * result is finite and moderate ({@link #tame}), so that every derivative check compares smooth functions
 * and a disagreement is a bug, not bad conditioning.
 *
 * <p>Shapes are drawn from {1, 2, 3, 4} with a bias towards what hides bugs: square matrices, size-1 axes,
 * {@code [n, 1]} against {@code [1, n]} operands, biases of every broadcastable shape on matrix products,
 * arguments stored non-contiguously, the same tensor passed as two arguments, and an operand used twice.
 */
final class Generator {
    /** Distance from a kink, tie or pole that every non-smooth operation keeps. */
    static final double MARGIN = 0.05;
    private static final int MAX_INPUTS = 5;
    /** Elements of the largest value: past the kernels' threading grain (16384), far below memory limits. */
    private static final int MAX_SIZE = 40_000;

    private final Random rng;
    private final boolean controlFlow;
    // Values are named by tagged ids while generating: node k is k, input i is -(i + 1).
    private final List<Program.Input> inputs = new ArrayList<>();
    private final List<Program.Node> nodes = new ArrayList<>();
    private final List<Tensor[]> inputValues = new ArrayList<>();
    private final List<Tensor[]> nodeValues = new ArrayList<>();

    private final int maxOperations;
    /** 0: dimensions 1 to 4; 1: up to 17; 2: some of 64 to 257 (see {@link #dim}). */
    private final int scale;

    private Generator(long seed, boolean controlFlow, int maxOperations) {
        this.rng = new Random(seed);
        this.controlFlow = controlFlow;
        this.maxOperations = maxOperations;
        int r = rng.nextInt(20);
        this.scale = r < 15 ? 0 : r < 19 ? 1 : 2;
    }

    /** The program of {@code seed}: 2 to 10 operations over 1 to 5 arguments. */
    static Program generate(long seed) {
        return generate(seed, 10);
    }

    /** The program of {@code seed}: 2 to {@code maxOperations} operations over 1 to 5 arguments. */
    static Program generate(long seed, int maxOperations) {
        return new Generator(seed, true, Math.max(2, maxOperations)).build(seed);
    }

    private Program build(long seed) {
        addInput(randomDims(rng.nextInt(4)), rng.nextBoolean());
        int target = 2 + rng.nextInt(maxOperations - 1);
        for (int attempt = 0; nodes.size() < target && attempt < 200; attempt++) {
            int savedInputs = inputs.size();
            int savedNodes = nodes.size();
            if (!tryOperation()) {
                truncate(inputs, savedInputs);
                truncate(inputValues, savedInputs);
                truncate(nodes, savedNodes);
                truncate(nodeValues, savedNodes);
            }
        }
        return finish(seed);
    }

    private static <T> void truncate(List<T> list, int size) {
        while (list.size() > size) {
            list.removeLast();
        }
    }

    /** Renumbers tagged ids: inputs first, then nodes. */
    private Program finish(long seed) {
        int n = inputs.size();
        List<Program.Node> renumbered = new ArrayList<>();
        for (Program.Node node : nodes) {
            int[] args = node.args().clone();
            for (int j = 0; j < args.length; j++) {
                args[j] = args[j] < 0 ? -args[j] - 1 : n + args[j];
            }
            renumbered.add(new Program.Node(args, node.dims(), node.apply(), node.java(), node.smooth()));
        }
        return new Program(seed, inputs, renumbered);
    }

    // ---------------------------------------------------------------- values and arguments

    private Tensor[] valuesOf(int id) {
        return id < 0 ? inputValues.get(-id - 1) : nodeValues.get(id);
    }

    private int[] dimsOf(int id) {
        return valuesOf(id)[0].dims();
    }

    /**
     * A dimension: most programs use 1 to 4; some use up to 17 (past the vector width and the short-row
     * limit of fusion, with tails); a few have axes of 64 to 257, so that a tensor passes the size above
     * which kernels split work across threads.
     */
    private int dim() {
        return switch (scale) {
            case 0 -> 1 + rng.nextInt(4);
            case 1 -> rng.nextBoolean() ? 1 + rng.nextInt(4) : new int[] {5, 7, 8, 9, 16, 17}[rng.nextInt(6)];
            default -> rng.nextBoolean() ? 1 + rng.nextInt(4) : new int[] {64, 130, 257}[rng.nextInt(3)];
        };
    }

    private int[] randomDims(int rank) {
        int[] d = new int[rank];
        int square = dim();
        for (int i = 0; i < rank; i++) {
            d[i] = rng.nextInt(3) == 0 ? square : rng.nextInt(5) == 0 ? 1 : dim();
        }
        return d;
    }

    /**
     * A new argument of shape {@code dims}: positive values in [0.5, 2] or values of magnitude [0.3, 2] with
     * random signs; sometimes the same object as an earlier argument of that shape, sometimes stored
     * non-contiguously. Returns its tagged id, or 0 (a node id) when there is no room: callers check
     * {@link #canAddInput} first.
     */
    private int addInput(int[] dims, boolean positive) {
        if (Arrays.stream(dims).asLongStream().reduce(1, (p, q) -> p * q) > MAX_SIZE) {
            dims = dims.clone();
            for (int i = 0; i < dims.length; i++) {
                dims[i] = Math.min(dims[i], 4);
            }
        }
        for (int i = 0; i < inputs.size(); i++) {
            if (Arrays.equals(inputs.get(i).dims(), dims) && inputs.get(i).aliasOf() < 0 && rng.nextInt(5) == 0) {
                inputs.add(new Program.Input(dims, i, false, inputs.get(i).batchAxis(), inputs.get(i).examples()));
                inputValues.add(inputValues.get(i));
                return -inputs.size();
            }
        }
        // Batched on axis 0, on a new last axis, or not at all (-1: the examples share the values).
        int r = inputs.isEmpty() ? 1 + rng.nextInt(3) : rng.nextInt(4);
        int batchAxis = r == 0 ? -1 : r == 1 ? dims.length : 0;
        Tensor[] examples = new Tensor[2];
        for (int e = 0; e < (batchAxis < 0 ? 1 : 2); e++) {
            double[] v = new double[Math.toIntExact(Arrays.stream(dims).asLongStream().reduce(1, (p, q) -> p * q))];
            for (int k = 0; k < v.length; k++) {
                double m = positive ? 0.5 + 1.5 * rng.nextDouble() : 0.3 + 1.7 * rng.nextDouble();
                v[k] = positive || rng.nextBoolean() ? m : -m;
            }
            examples[e] = Tensor.of(v, dims);
        }
        examples[1] = batchAxis < 0 ? examples[0] : examples[1];
        boolean strided = dims.length > 0 && rng.nextInt(4) == 0;
        inputs.add(new Program.Input(dims, -1, strided, batchAxis, examples));
        inputValues.add(examples);
        return -inputs.size();
    }

    private boolean canAddInput() {
        return inputs.size() < MAX_INPUTS;
    }

    /** A value to operate on: most often the latest node, else any value. */
    private int pick() {
        if (!nodes.isEmpty() && rng.nextBoolean()) {
            return nodes.size() - 1;
        }
        int k = rng.nextInt(inputs.size() + nodes.size());
        return k < inputs.size() ? -(k + 1) : k - inputs.size();
    }

    /** A value of shape {@code dims}: an existing one, or a new argument; null when neither is possible. */
    private Integer operand(int[] dims) {
        List<Integer> same = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            if (Arrays.equals(dimsOf(-(i + 1)), dims)) {
                same.add(-(i + 1));
            }
        }
        for (int k = 0; k < nodes.size(); k++) {
            if (Arrays.equals(dimsOf(k), dims)) {
                same.add(k);
            }
        }
        if (canAddInput() && (same.isEmpty() || rng.nextBoolean())) {
            return addInput(dims, rng.nextBoolean());
        }
        return same.isEmpty() ? null : same.get(rng.nextInt(same.size()));
    }

    /**
     * A shape that broadcasts against {@code dims}: the same, some axes set to 1 ({@code [n, 1]} against
     * {@code [n, m]} or {@code [1, m]}), leading axes dropped, a scalar, or size-1 axes of {@code dims}
     * grown (so that the result is larger than either operand: {@code [n, 1]} against {@code [1, n]}).
     */
    private int[] broadcastPartner(int[] dims, boolean mayGrow) {
        int[] d = dims.clone();
        switch (rng.nextInt(mayGrow ? 5 : 4)) {
            case 0 -> {
                return d;
            }
            case 1 -> {
                for (int i = 0; i < d.length; i++) {
                    if (rng.nextBoolean()) {
                        d[i] = 1;
                    }
                }
                return d;
            }
            case 2 -> {
                return Arrays.copyOfRange(d, d.length == 0 ? 0 : rng.nextInt(d.length + 1), d.length);
            }
            case 3 -> {
                return new int[0];
            }
            default -> {
                boolean grew = false;
                for (int i = 0; i < d.length; i++) {
                    if (d[i] == 1) {
                        d[i] = 2 + rng.nextInt(3);
                        grew = true;
                    } else if (rng.nextInt(3) == 0) {
                        d[i] = 1;
                    }
                }
                return grew ? d : dims.clone();
            }
        }
    }

    // ---------------------------------------------------------------- emitting

    /**
     * Evaluates a candidate node on both examples and keeps it when it is smooth there and its result is
     * tame; returns its id, or null (the caller abandons the whole operation).
     */
    private Integer emit(int[] args, Function<Tensor[], Tensor> apply, Function<String[], String> java,
                         Predicate<Tensor[]> smooth) {
        Tensor[] results = new Tensor[2];
        for (int e = 0; e < 2; e++) {
            Tensor[] operands = new Tensor[args.length];
            for (int j = 0; j < args.length; j++) {
                operands[j] = valuesOf(args[j])[e];
            }
            try {
                if (!smooth.test(operands)) {
                    return null;
                }
                results[e] = apply.apply(operands);
            } catch (RuntimeException shapeOrDomain) {
                // A candidate the operation rejects (e.g. a shape rule) is just not generated.
                return null;
            }
            if (!tame(results[e]) || results[e].size() > MAX_SIZE) {
                return null;
            }
        }
        nodes.add(new Program.Node(args, results[0].dims(), apply, java, smooth));
        nodeValues.add(results);
        return nodes.size() - 1;
    }

    private Integer emit(int[] args, Function<Tensor[], Tensor> apply, Function<String[], String> java) {
        return emit(args, apply, java, x -> true);
    }

    /** Finite, floating point, with every element of magnitude at most 1e4. */
    static boolean tame(Tensor t) {
        if (!t.dtype().isFloatingPoint()) {
            return false;
        }
        for (double v : t.toDoubleArray()) {
            if (!(Math.abs(v) <= 1e4)) {
                return false;
            }
        }
        return true;
    }

    private boolean tryOperation() {
        int kind = rng.nextInt(controlFlow ? 40 : 36);
        if (kind < 7) {
            return unary();
        } else if (kind < 14) {
            return binary();
        } else if (kind < 17) {
            return matmul(false);
        } else if (kind < 20) {
            return matmul(true);
        } else if (kind < 24) {
            return reduce();
        } else if (kind < 26) {
            return softmax();
        } else if (kind < 31) {
            return view();
        } else if (kind < 33) {
            return join();
        } else if (kind < 36) {
            return index();
        }
        return control();
    }

    // ---------------------------------------------------------------- elementwise

    private record Unary(String java, Function<Tensor, Tensor> f, Predicate<Tensor> smooth) {
    }

    private static final List<Unary> UNARY = List.of(
            new Unary(".neg()", Tensor::neg, x -> true),
            new Unary(".exp()", Tensor::exp, x -> max(x) < 3),
            new Unary(".log()", Tensor::log, x -> min(x) > 0.2),
            new Unary(".log1p()", Tensor::log1p, x -> min(x) > -0.7),
            new Unary(".expm1()", Tensor::expm1, x -> max(x) < 3),
            new Unary(".sqrt()", Tensor::sqrt, x -> min(x) > 0.2),
            new Unary(".rsqrt()", Tensor::rsqrt, x -> min(x) > 0.2),
            new Unary(".sin()", Tensor::sin, x -> true),
            new Unary(".cos()", Tensor::cos, x -> true),
            new Unary(".tan()", Tensor::tan, x -> maxAbs(x) < 1.2),
            new Unary(".tanh()", Tensor::tanh, x -> true),
            new Unary(".sigmoid()", Tensor::sigmoid, x -> true),
            new Unary(".relu()", Tensor::relu, x -> minAbs(x) > MARGIN),
            new Unary(".square()", Tensor::square, x -> true),
            new Unary(".reciprocal()", Tensor::reciprocal, x -> minAbs(x) > 0.2),
            new Unary(".abs()", Tensor::abs, x -> minAbs(x) > MARGIN),
            new Unary(".pow(2.0)", x -> x.pow(2.0), x -> true),
            new Unary(".pow(3.0)", x -> x.pow(3.0), x -> true),
            new Unary(".pow(0.5)", x -> x.pow(0.5), x -> min(x) > 0.2),
            new Unary(".pow(-1.5)", x -> x.pow(-1.5), x -> min(x) > 0.2),
            new Unary(".clamp(-0.5, 0.8)", x -> x.clamp(-0.5, 0.8),
                    x -> minAbs(x.sub(-0.5)) > MARGIN && minAbs(x.sub(0.8)) > MARGIN),
            new Unary(".maximum(0.3)", x -> x.maximum(0.3), x -> minAbs(x.sub(0.3)) > MARGIN),
            new Unary(".minimum(-0.2)", x -> x.minimum(-0.2), x -> minAbs(x.add(0.2)) > MARGIN),
            new Unary(".mul(1.7)", x -> x.mul(1.7), x -> true),
            new Unary(".add(0.6)", x -> x.add(0.6), x -> true),
            new Unary(".sub(0.4)", x -> x.sub(0.4), x -> true),
            new Unary(".div(3.0)", x -> x.div(3.0), x -> true));

    private boolean unary() {
        Unary u = UNARY.get(rng.nextInt(UNARY.size()));
        return emit(new int[] {pick()}, x -> u.f.apply(x[0]), n -> n[0] + u.java, x -> u.smooth.test(x[0])) != null;
    }

    private record Binary(String name, java.util.function.BinaryOperator<Tensor> f,
                          java.util.function.BiPredicate<Tensor, Tensor> smooth) {
    }

    private static final List<Binary> BINARY = List.of(
            new Binary("add", Tensor::add, (a, b) -> true),
            new Binary("sub", Tensor::sub, (a, b) -> true),
            new Binary("mul", Tensor::mul, (a, b) -> true),
            new Binary("div", Tensor::div, (a, b) -> minAbs(b) > 0.2),
            new Binary("pow", Tensor::pow, (a, b) -> min(a) > 0.2 && maxAbs(b) < 3),
            new Binary("maximum", Tensor::maximum, (a, b) -> minAbs(a.sub(b)) > MARGIN),
            new Binary("minimum", Tensor::minimum, (a, b) -> minAbs(a.sub(b)) > MARGIN));

    private boolean binary() {
        Binary op = BINARY.get(rng.nextInt(BINARY.size()));
        int a = pick();
        if (rng.nextInt(5) == 0) {
            // A uniform constant, often the identity of the operation: what algebraic simplification
            // removes, correct only when the result keeps the other operand's shape.
            int[] dc = broadcastPartner(dimsOf(a), true);
            double c = new double[] {0.0, 1.0, 1.0, 2.5}[rng.nextInt(4)];
            Tensor constant = Tensor.full(c, DType.FLOAT64, dc);
            String t = "Tensor.full(" + c + ", DType.FLOAT64" + (dc.length == 0 ? "" : ", "
                    + Arrays.toString(dc).replaceAll("[\\[\\]]", "")) + ")";
            boolean left = rng.nextBoolean();
            return emit(new int[] {a}, x -> left ? op.f.apply(constant, x[0]) : op.f.apply(x[0], constant),
                    n -> left ? t + "." + op.name + "(" + n[0] + ")" : n[0] + "." + op.name + "(" + t + ")",
                    x -> left ? op.smooth.test(constant, x[0]) : op.smooth.test(x[0], constant)) != null;
        }
        Integer b = rng.nextInt(8) == 0 ? Integer.valueOf(a) : operand(broadcastPartner(dimsOf(a), true));
        if (b == null) {
            return false;
        }
        int[] args = rng.nextBoolean() ? new int[] {a, b} : new int[] {b, a};
        return emit(args, x -> op.f.apply(x[0], x[1]), n -> n[0] + "." + op.name + "(" + n[1] + ")",
                x -> op.smooth.test(x[0], x[1])) != null;
    }

    // ---------------------------------------------------------------- matmul

    /**
     * {@code a @ b} of vectors, matrices (square half the time, sometimes the transposed view of an
     * argument, sometimes {@code a @ a}) or batches of them; with {@code bias}, {@code a @ b + c} with
     * {@code c} of any shape that broadcasts against the product ({@code [m]}, {@code [1, m]}, {@code [n, 1]},
     * {@code [n, m]}, a scalar): the pattern the compiler folds into one operation.
     */
    private boolean matmul(boolean bias) {
        int a = pick();
        int[] da = dimsOf(a);
        if (da.length == 0 || da.length > 3 || rng.nextInt(4) == 0) {
            if (!canAddInput()) {
                return false;
            }
            int n = dim();
            a = addInput(rng.nextInt(4) == 0 ? new int[] {2, n, dim()} : new int[] {n, dim()},
                    rng.nextBoolean());
            da = dimsOf(a);
        }
        int k = da[da.length - 1];
        int n = da.length >= 2 ? da[da.length - 2] : 1;
        int m = rng.nextBoolean() ? n : dim();
        int[] db;
        if (da.length == 2 && k == n && rng.nextInt(5) == 0) {
            db = null;  // a @ a
        } else if (da.length >= 2 && rng.nextInt(6) == 0) {
            db = new int[] {k};
        } else if (da.length == 3) {
            db = rng.nextBoolean() ? new int[] {k, m} : new int[] {da[0], k, m};
        } else if (da.length == 2 && rng.nextInt(6) == 0) {
            db = new int[] {2, k, m};
        } else {
            db = new int[] {k, m};
        }
        Integer b;
        if (db == null) {
            b = a;
        } else if (db.length >= 2 && rng.nextInt(4) == 0 && canAddInput()) {
            int[] t = db.clone();
            t[t.length - 1] = db[db.length - 2];
            t[t.length - 2] = db[db.length - 1];
            b = emit(new int[] {addInput(t, rng.nextBoolean())}, x -> x[0].transpose(), s -> s[0] + ".transpose()");
        } else {
            b = operand(db);
        }
        if (b == null) {
            return false;
        }
        Integer product = emit(new int[] {a, b}, x -> x[0].matmul(x[1]), s -> s[0] + ".matmul(" + s[1] + ")");
        if (product == null || !bias) {
            return product != null;
        }
        int[] dp = dimsOf(product);
        int[] dc;
        if (dp.length >= 2) {
            int rows = dp[dp.length - 2];
            int cols = dp[dp.length - 1];
            dc = switch (rng.nextInt(6)) {
                case 0 -> new int[] {cols};
                case 1 -> new int[] {1, cols};
                case 2, 3 -> new int[] {rows, 1};
                case 4 -> new int[] {rows, cols};
                default -> new int[0];
            };
        } else {
            dc = broadcastPartner(dp, false);
        }
        Integer c = operand(dc);
        if (c == null) {
            return false;
        }
        int p = product;
        int[] args = rng.nextInt(4) == 0 ? new int[] {c, p} : new int[] {p, c};
        return emit(args, x -> x[0].add(x[1]), s -> s[0] + ".add(" + s[1] + ")") != null;
    }

    // ---------------------------------------------------------------- reductions

    private boolean reduce() {
        int a = pick();
        int[] d = dimsOf(a);
        int[] axes = randomAxes(d.length);
        boolean keep = rng.nextBoolean();
        String ax = "new int[] {" + Arrays.toString(axes).replaceAll("[\\[\\]]", "") + "}, " + keep;
        int count = 1;
        for (int axis : axes) {
            count *= d[axis < 0 ? axis + d.length : axis];
        }
        int n = count;
        int[] args = {a};
        return switch (rng.nextInt(d.length == 0 ? 3 : 9)) {
            case 0 -> emit(args, x -> x[0].sum(), s -> s[0] + ".sum()") != null;
            case 1 -> emit(args, x -> x[0].mean(), s -> s[0] + ".mean()") != null;
            case 2 -> emit(args, x -> x[0].max(), s -> s[0] + ".max()", x -> distinct(x[0])) != null;
            case 3 -> emit(args, x -> x[0].sum(axes, keep), s -> s[0] + ".sum(" + ax + ")") != null;
            case 4 -> emit(args, x -> x[0].mean(axes, keep), s -> s[0] + ".mean(" + ax + ")") != null;
            case 5 -> emit(args, x -> x[0].prod(axes, keep), s -> s[0] + ".prod(" + ax + ")",
                    x -> minAbs(x[0]) > 0.2) != null;
            case 6 -> rng.nextBoolean()
                    ? emit(args, x -> x[0].max(axes, keep), s -> s[0] + ".max(" + ax + ")", x -> distinct(x[0])) != null
                    : emit(args, x -> x[0].min(axes, keep), s -> s[0] + ".min(" + ax + ")", x -> distinct(x[0])) != null;
            case 7 -> emit(args, x -> x[0].logsumexp(axes, keep), s -> s[0] + ".logsumexp(" + ax + ")") != null;
            default -> {
                int correction = rng.nextInt(2);
                yield n > correction && emit(args, x -> x[0].variance(axes, correction, keep),
                        s -> s[0] + ".variance(new int[] {" + Arrays.toString(axes).replaceAll("[\\[\\]]", "")
                                + "}, " + correction + ", " + keep + ")") != null;
            }
        };
    }

    /** A non-empty set of distinct axes of a rank-{@code rank} tensor, sometimes written negatively. */
    private int[] randomAxes(int rank) {
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            if (rng.nextInt(3) == 0) {
                axes.add(rng.nextInt(4) == 0 ? i - rank : i);
            }
        }
        if (axes.isEmpty() && rank > 0) {
            axes.add(rng.nextInt(rank));
        }
        return axes.stream().mapToInt(Integer::intValue).toArray();
    }

    private boolean softmax() {
        int a = pick();
        int rank = dimsOf(a).length;
        if (rank == 0) {
            return false;
        }
        int axis = rng.nextInt(2 * rank) - rank;
        return rng.nextBoolean()
                ? emit(new int[] {a}, x -> x[0].softmax(axis), s -> s[0] + ".softmax(" + axis + ")") != null
                : emit(new int[] {a}, x -> x[0].logSoftmax(axis), s -> s[0] + ".logSoftmax(" + axis + ")") != null;
    }

    // ---------------------------------------------------------------- views

    private boolean view() {
        int a = pick();
        int[] d = dimsOf(a);
        int r = d.length;
        int[] args = {a};
        switch (rng.nextInt(10)) {
            case 0 -> {
                int[] to = reshapeTarget(d);
                String t = Arrays.toString(to).replaceAll("[\\[\\]]", "");
                return emit(args, x -> x[0].reshape(to), s -> s[0] + ".reshape(" + t + ")") != null;
            }
            case 1 -> {
                if (r < 2) {
                    return false;
                }
                int i = rng.nextInt(r);
                int j = rng.nextInt(r);
                return emit(args, x -> x[0].transpose(i, j), s -> s[0] + ".transpose(" + i + ", " + j + ")") != null;
            }
            case 2 -> {
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < r; i++) {
                    order.add(i);
                }
                java.util.Collections.shuffle(order, rng);
                int[] p = order.stream().mapToInt(Integer::intValue).toArray();
                String t = Arrays.toString(p).replaceAll("[\\[\\]]", "");
                return emit(args, x -> x[0].permute(p), s -> s[0] + ".permute(" + t + ")") != null;
            }
            case 3 -> {
                if (r == 0) {
                    return false;
                }
                int axis = rng.nextInt(r);
                int start = rng.nextInt(d[axis]);
                int end = start + 1 + rng.nextInt(d[axis] - start);
                int step = 1 + rng.nextInt(2);
                return emit(args, x -> x[0].slice(axis, start, end, step),
                        s -> s[0] + ".slice(" + axis + ", " + start + ", " + end + ", " + step + ")") != null;
            }
            case 4 -> {
                if (r == 0) {
                    return false;
                }
                int axis = rng.nextInt(r);
                int index = rng.nextInt(d[axis]);
                return emit(args, x -> x[0].select(axis, index), s -> s[0] + ".select(" + axis + ", " + index + ")")
                        != null;
            }
            case 5 -> {
                int axis = rng.nextInt(r + 1);
                return emit(args, x -> x[0].unsqueeze(axis), s -> s[0] + ".unsqueeze(" + axis + ")") != null;
            }
            case 6 -> {
                return emit(args, x -> x[0].squeeze(), s -> s[0] + ".squeeze()") != null;
            }
            case 7, 8 -> {
                // Grow size-1 axes, or add a leading axis: a broadcast view with stride 0.
                int[] to = d.clone();
                boolean grew = false;
                for (int i = 0; i < r; i++) {
                    if (to[i] == 1) {
                        to[i] = 2 + rng.nextInt(2);
                        grew = true;
                    }
                }
                if (!grew) {
                    to = new int[r + 1];
                    to[0] = 2;
                    System.arraycopy(d, 0, to, 1, r);
                }
                int[] target = to;
                String t = Arrays.toString(target).replaceAll("[\\[\\]]", "");
                return emit(args, x -> x[0].expand(target), s -> s[0] + ".expand(" + t + ")") != null;
            }
            default -> {
                return emit(args, x -> x[0].flatten(), s -> s[0] + ".flatten()") != null;
            }
        }
    }

    /** Flattened, with a 1 inserted, two neighbours merged, a 4 split into 2 x 2, or one dimension as -1. */
    private int[] reshapeTarget(int[] d) {
        List<Integer> to = new ArrayList<>();
        for (int x : d) {
            to.add(x);
        }
        switch (rng.nextInt(5)) {
            case 0 -> {
                int size = to.stream().reduce(1, (p, q) -> p * q);
                to = new ArrayList<>(List.of(size));
            }
            case 1 -> to.add(rng.nextInt(to.size() + 1), 1);
            case 2 -> {
                if (to.size() >= 2) {
                    int i = rng.nextInt(to.size() - 1);
                    to.set(i, to.get(i) * to.remove(i + 1));
                }
            }
            case 3 -> {
                int i = to.indexOf(4);
                if (i >= 0) {
                    to.set(i, 2);
                    to.add(i, 2);
                }
            }
            default -> {
                if (!to.isEmpty()) {
                    to.set(rng.nextInt(to.size()), -1);
                }
            }
        }
        return to.stream().mapToInt(Integer::intValue).toArray();
    }

    // ---------------------------------------------------------------- joining and indexing

    private boolean join() {
        int a = pick();
        int[] d = dimsOf(a);
        if (d.length == 0) {
            return false;
        }
        int axis = rng.nextInt(d.length);
        switch (rng.nextInt(4)) {
            case 3 -> {
                int size = 1 + rng.nextInt(d[axis]);
                int piece = rng.nextInt((d[axis] + size - 1) / size);
                return emit(new int[] {a}, x -> x[0].chunk(axis, size).get(piece),
                        s -> s[0] + ".chunk(" + axis + ", " + size + ").get(" + piece + ")") != null;
            }
            case 0 -> {
                int[] db = d.clone();
                db[axis] = 1 + rng.nextInt(3);
                Integer b = rng.nextInt(4) == 0 ? Integer.valueOf(a) : operand(db);
                if (b == null) {
                    return false;
                }
                return emit(new int[] {a, b}, x -> Tensor.concat(axis, x[0], x[1]),
                        s -> "Tensor.concat(" + axis + ", " + s[0] + ", " + s[1] + ")") != null;
            }
            case 1 -> {
                Integer b = operand(d);
                if (b == null) {
                    return false;
                }
                return emit(new int[] {a, b}, x -> Tensor.stack(axis, x[0], x[1]),
                        s -> "Tensor.stack(" + axis + ", " + s[0] + ", " + s[1] + ")") != null;
            }
            default -> {
                int before = rng.nextInt(2);
                int after = 1 + rng.nextInt(2);
                int[] padding = new int[2 * (axis + 1)];
                padding[2 * axis] = before;
                padding[2 * axis + 1] = after;
                String p = Arrays.toString(padding).replaceAll("[\\[\\]]", "");
                return emit(new int[] {a}, x -> x[0].pad(padding, 0.25),
                        s -> s[0] + ".pad(new int[] {" + p + "}, 0.25)") != null;
            }
        }
    }

    private boolean index() {
        int a = pick();
        int[] d = dimsOf(a);
        if (rng.nextInt(3) == 0) {
            // where(p > q, r, s): the condition is kept away from ties.
            Integer q = operand(broadcastPartner(d, false));
            Integer other = q == null ? null : operand(broadcastPartner(d, true));
            if (other == null) {
                return false;
            }
            int[] args = {a, q, rng.nextBoolean() ? a : q, other};
            return emit(args, x -> Tensor.where(x[0].gt(x[1]), x[2], x[3]),
                    s -> "Tensor.where(" + s[0] + ".gt(" + s[1] + "), " + s[2] + ", " + s[3] + ")",
                    x -> minAbs(x[0].sub(x[1])) > MARGIN) != null;
        }
        if (d.length == 0) {
            return false;
        }
        int axis = rng.nextInt(d.length);
        if (rng.nextInt(4) == 0) {
            // out = a with src added at index along axis; repeated indices accumulate.
            int[] di = d.clone();
            di[axis] = 1 + rng.nextInt(3);
            Integer src = operand(di);
            if (src == null) {
                return false;
            }
            long[] idx = indices(Arrays.stream(di).reduce(1, (p, q) -> p * q), d[axis]);
            Tensor index = Tensor.of(idx, di);
            String t = "Tensor.of(new long[] {" + Arrays.toString(idx).replaceAll("[\\[\\]]", "") + "}, "
                    + Arrays.toString(di).replaceAll("[\\[\\]]", "") + ")";
            return emit(new int[] {a, src}, x -> x[0].scatterAdd(axis, index, x[1]),
                    s -> s[0] + ".scatterAdd(" + axis + ", " + t + ", " + s[1] + ")") != null;
        }
        if (rng.nextBoolean()) {
            int[] di = d.clone();
            di[axis] = 1 + rng.nextInt(4);
            long[] idx = indices(Arrays.stream(di).reduce(1, (p, q) -> p * q), d[axis]);
            Tensor index = Tensor.of(idx, di);
            String t = "Tensor.of(new long[] {" + Arrays.toString(idx).replaceAll("[\\[\\]]", "") + "}, "
                    + Arrays.toString(di).replaceAll("[\\[\\]]", "") + ")";
            return emit(new int[] {a}, x -> x[0].gather(axis, index), s -> s[0] + ".gather(" + axis + ", " + t + ")")
                    != null;
        }
        long[] idx = indices(1 + rng.nextInt(4), d[axis]);
        Tensor index = Tensor.of(idx, idx.length);
        String t = "Tensor.of(new long[] {" + Arrays.toString(idx).replaceAll("[\\[\\]]", "") + "}, " + idx.length + ")";
        return emit(new int[] {a}, x -> x[0].indexSelect(axis, index),
                s -> s[0] + ".indexSelect(" + axis + ", " + t + ")") != null;
    }

    /** Random indices below {@code bound}, repeats allowed (their gradients must accumulate). */
    private long[] indices(int count, int bound) {
        long[] idx = new long[count];
        for (int i = 0; i < count; i++) {
            idx[i] = rng.nextInt(bound);
        }
        return idx;
    }

    // ---------------------------------------------------------------- structured control flow

    /**
     * {@code cond}, {@code fori}, {@code whileLoop} and {@code scan}, their bodies reading a value of the
     * enclosing program ({@code b}, a capture) of a shape that broadcasts into the carry's. A factor b
     * applied at every iteration is kept below 3, so that the loop does not amplify rounding differences
     * between modes beyond the tolerance.
     */
    private boolean control() {
        int a = pick();
        int[] d = dimsOf(a);
        Integer b = operand(broadcastPartner(d, false));
        if (b == null) {
            return false;
        }
        int[] args = {a, b};
        // The body reads the capture b directly, or computes from it (cos b) inside the body: the
        // derivative with respect to b must then flow through the body's own operations.
        boolean inside = rng.nextBoolean();
        Function<Tensor, Tensor> use = inside ? Tensor::cos : t -> t;
        String u = inside ? ".cos()" : "";
        switch (rng.nextInt(4)) {
            case 0 -> {
                return emit(args, x -> Control.cond(x[0].sum().gt(0.0), v -> v.mul(use.apply(x[1])).sin(),
                                v -> v.tanh().add(x[1]), x[0]),
                        s -> "Control.cond(" + s[0] + ".sum().gt(0.0), v -> v.mul(" + s[1] + u + ").sin(), "
                                + "v -> v.tanh().add(" + s[1] + "), " + s[0] + ")",
                        x -> Math.abs(x[0].sum().item()) > MARGIN && maxAbs(x[1]) < 3) != null;
            }
            case 1 -> {
                return emit(args, x -> Control.fori(0, 3, (i, c) -> c.tanh().mul(use.apply(x[1])).add(x[0]), x[0]),
                        s -> "Control.fori(0, 3, (i, c) -> c.tanh().mul(" + s[1] + u + ").add(" + s[0] + "), " + s[0]
                                + ")", x -> maxAbs(x[1]) < 3) != null;
            }
            case 2 -> {
                return emit(args, x -> Control.whileLoop((List<Tensor> c) -> c.get(0).lt(2),
                                c -> List.of(c.get(0).add(1), c.get(1).sin().mul(use.apply(x[1])).add(x[0])),
                                List.of(Tensor.scalar(0, DType.INT32), x[0])).get(1),
                        s -> "Control.whileLoop((List<Tensor> c) -> c.get(0).lt(2), c -> List.of(c.get(0).add(1), "
                                + "c.get(1).sin().mul(" + s[1] + u + ").add(" + s[0] + ")), List.of(Tensor.scalar(0, "
                                + "DType.INT32), " + s[0] + ")).get(1)", x -> maxAbs(x[1]) < 3) != null;
            }
            default -> {
                if (d.length == 0) {
                    return false;
                }
                Integer h0 = operand(Arrays.copyOfRange(d, 1, d.length));
                if (h0 == null) {
                    return false;
                }
                boolean ys = rng.nextBoolean();
                String pick = ys ? ".ys()" : ".carry()";
                return emit(new int[] {a, h0}, x -> {
                    Control.ScanResult<Tensor> r = Control.scan((h, xt) -> new Control.Step<>(
                            h.mul(0.5).add(xt.mul(use.apply(x[1]))).tanh(), h.mul(xt)), x[1], x[0]);
                    return ys ? r.ys() : r.carry();
                }, s -> "Control.scan((Tensor h, Tensor xt) -> new Control.Step<>(h.mul(0.5).add(xt.mul(" + s[1] + u
                        + ")).tanh(), h.mul(xt)), " + s[1] + ", " + s[0] + ")" + pick) != null;
            }
        }
    }

    // ---------------------------------------------------------------- smoothness predicates

    static double min(Tensor t) {
        return Arrays.stream(t.toDoubleArray()).min().orElse(Double.POSITIVE_INFINITY);
    }

    static double max(Tensor t) {
        return Arrays.stream(t.toDoubleArray()).max().orElse(Double.NEGATIVE_INFINITY);
    }

    static double maxAbs(Tensor t) {
        return Arrays.stream(t.toDoubleArray()).map(Math::abs).max().orElse(0);
    }

    static double minAbs(Tensor t) {
        return Arrays.stream(t.toDoubleArray()).map(Math::abs).min().orElse(Double.POSITIVE_INFINITY);
    }

    /** No two elements within 1e-3 of each other: {@code max} and {@code min} have a unique winner. */
    static boolean distinct(Tensor t) {
        double[] v = t.toDoubleArray();
        Arrays.sort(v);
        for (int i = 1; i < v.length; i++) {
            if (v[i] - v[i - 1] < 1e-3) {
                return false;
            }
        }
        return true;
    }
}
