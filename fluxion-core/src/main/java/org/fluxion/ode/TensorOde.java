package org.fluxion.ode;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;
import org.fluxion.tensor.TensorType;

/**
 * A {@link TensorField} bound to the shapes and dtype of its state and parameters, seen by the solvers as a
 * plain {@link OdeFunction} over flat {@code double[]} state and parameters: it is wrapped once, and each
 * evaluation copies the solver's stage into one preallocated tensor buffer, runs the field with recording
 * off, and copies the result out. Its Jacobians and vector-Jacobian products come from Fluxion's automatic
 * differentiation ({@code jacfwd}, {@code vjp}).
 *
 * <p>Layout: the flat state is the state tensor in row-major order (length n); the flat parameters are the
 * parameter tensors' elements, one after the other (length np). A float32 state or parameter is solved in
 * float64 and rounded to float32 for each evaluation of the field.
 *
 * <p>{@link #compiled()} gives the same with the field, its VJP and its Jacobians compiled by {@code jit}
 * (one plan per signature, traced at the first call): no tape and no per-operation dispatch at each
 * evaluation. The field must then be traceable (no Java branching on tensor values).
 *
 * <p>Not thread-safe: one instance per thread (it keeps its buffers).
 */
public final class TensorOde {
    private final TensorField field;
    private final FieldCalls calls;
    private final boolean compiled;
    private final Shape stateShape;
    private final DType dtype;
    private final Shape[] paramShapes;
    private final int[] paramOffsets;
    private final int n;
    private final int np;
    private final Tensor stateBuffer;
    /** The state and cotangent of each VJP: read by the VJP, never kept by it (it returns new tensors). */
    private final Tensor vjpState;
    private final Tensor vjpCotangent;
    private SplitVjp split;
    /**
     * Storages of results that finished reverse sweeps gave back, by dtype and length: later evaluations and
     * VJPs write into them instead of new arrays (which the JVM zeroes first, and which are not in any cache). At
     * most what one sweep used.
     */
    private final Map<PoolKey, ArrayDeque<Storage>> pool = new HashMap<>();
    /** A pool's storages: of this dtype and length, for a result of any shape of that size. */
    private record PoolKey(DType dtype, int length) {
    }

    /** The types of the split forward's results (value, then residuals), known after its first call. */
    private List<TensorType> forwardTypes;
    private double[] cachedP;
    private Tensor[] cachedParams;

    private TensorOde(TensorField field, Shape stateShape, DType dtype, Shape[] paramShapes, boolean compiled) {
        this.field = field;
        this.compiled = compiled;
        this.calls = new FieldCalls(field, paramShapes.length, compiled);
        this.stateShape = stateShape;
        this.dtype = dtype;
        this.paramShapes = paramShapes;
        this.paramOffsets = new int[paramShapes.length + 1];
        for (int k = 0; k < paramShapes.length; k++) {
            paramOffsets[k + 1] = paramOffsets[k] + paramShapes[k].size();
        }
        this.n = stateShape.size();
        this.np = paramOffsets[paramShapes.length];
        this.stateBuffer = Tensor.empty(stateShape, dtype);
        this.vjpState = Tensor.empty(stateShape, dtype);
        this.vjpCotangent = Tensor.empty(stateShape, dtype);
    }

    /**
     * Binds {@code field} to a state shaped like {@code state} and parameters shaped like {@code params}
     * (their values are not kept). The dtype is the state's (float32 or float64).
     */
    public static TensorOde of(TensorField field, Tensor state, Tensor... params) {
        if (!state.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("TensorOde: the state must be float32 or float64, got " + state.type());
        }
        Shape[] shapes = new Shape[params.length];
        for (int k = 0; k < params.length; k++) {
            if (!params[k].dtype().isFloatingPoint()) {
                throw new IllegalArgumentException("TensorOde: parameter " + k + " must be float32 or float64, got "
                        + params[k].type());
            }
            shapes[k] = params[k].shape();
        }
        return new TensorOde(field, state.shape(), state.dtype(), shapes, false);
    }

    /** This field with its value, VJP and Jacobians compiled by {@code jit}. */
    public TensorOde compiled() {
        return compiled ? this : new TensorOde(field, stateShape, dtype, paramShapes, true);
    }

    /** The field this binds. */
    public TensorField field() {
        return field;
    }

    /** The state's length n. */
    public int stateSize() {
        return n;
    }

    /** The parameters' total length np. */
    public int parameterSize() {
        return np;
    }

    public Shape stateShape() {
        return stateShape;
    }

    public DType dtype() {
        return dtype;
    }

    /** The problem {@code u' = field(u, t, params)}, {@code u(t0) = u0}, on {@code [t0, t1]}, with AD Jacobian. */
    public OdeProblem problem(Tensor u0, Tensor[] params, double t0, double t1) {
        if (!u0.shape().equals(stateShape)) {
            throw new IllegalArgumentException("TensorOde: initial state of shape " + u0.shape() + ", expected "
                    + stateShape);
        }
        return new OdeProblem(function(), FlatValues.toDoubles(u0), t0, t1, flattenParameters(params),
                jacobian(), false);
    }

    /**
     * The problem with a banded or sparse Jacobian: the stiff solvers get {@link #jacobian(JacobianStructure)}
     * (colored forward mode) and factor banded Newton matrices.
     */
    public OdeProblem problem(Tensor u0, Tensor[] params, double t0, double t1, JacobianStructure structure) {
        if (structure.size() != n) {
            throw new IllegalArgumentException("TensorOde: the Jacobian structure is for " + structure.size()
                    + " states, the field has " + n);
        }
        return problem(u0, params, t0, t1).withJacobian(jacobian(structure)).withJacobianStructure(structure);
    }

    /** The parameters as one flat array (the layout of the solvers' {@code p}). */
    public double[] flattenParameters(Tensor[] params) {
        if (params.length != paramShapes.length) {
            throw new IllegalArgumentException("TensorOde: " + params.length + " parameters, expected "
                    + paramShapes.length);
        }
        double[] p = new double[np];
        for (int k = 0; k < params.length; k++) {
            if (!params[k].shape().equals(paramShapes[k])) {
                throw new IllegalArgumentException("TensorOde: parameter " + k + " of shape " + params[k].shape()
                        + ", expected " + paramShapes[k]);
            }
            FlatValues.flat(params[k], p, paramOffsets[k], false);
        }
        return p;
    }

    /** The field as a plain-Java right-hand side over flat arrays. */
    public OdeFunction function() {
        return (du, u, p, t) -> {
            FlatValues.load(u, stateBuffer);
            Tensor[] ps = parameters(p);
            store(calls.value(stateBuffer, Tensor.scalar(t, dtype), ps), du);
        };
    }

    /** {@code df/du} by forward-mode AD ({@code jacfwd}: n JVPs). */
    public JacobianFunction jacobian() {
        return (jac, u, p, t) -> {
            FlatValues.copyFlat(calls.stateJacobian(fresh(u), Tensor.scalar(t, dtype), parameters(p)), jac, 0);
        };
    }

    /**
     * {@code df/du} by colored forward mode: one JVP per group of structurally orthogonal columns
     * ({@link JacobianStructure#groups()}, e.g. 5 for a pentadiagonal band, instead of n), the tangent being the
     * sum of the group's unit vectors; each column's entries are read off its own rows. Only the structure's
     * entries are written (the solvers' arrays hold zeros elsewhere).
     */
    public JacobianFunction jacobian(JacobianStructure structure) {
        Derivatives d = derivatives();
        double[] seed = new double[n];
        double[] column = new double[n];
        double[] noParameters = new double[np];
        return (jac, u, p, t) -> {
            for (int g = 0; g < structure.groups(); g++) {
                for (int j = 0; j < n; j++) {
                    seed[j] = structure.groupOf(j) == g ? 1 : 0;
                }
                d.jvp(t, u, p, seed, noParameters, column);
                for (int j = 0; j < n; j++) {
                    if (structure.groupOf(j) == g) {
                        for (int i : structure.rowsOfColumn(j)) {
                            jac[i * n + j] = column[i];
                        }
                    }
                }
            }
        };
    }

    /** The VJPs, JVPs and Jacobians of the field, from Fluxion's reverse and forward modes. */
    public Derivatives derivatives() {
        return new Derivatives() {
            @Override
            public void vjp(double t, double[] u, double[] p, double[] lambda, double[] outU, double[] outP) {
                Tensor[] cts = cotangents(t, u, p, lambda);
                FlatValues.copyOrZero(cts[0], outU, 0, n);
                for (int k = 0; k < paramShapes.length; k++) {
                    FlatValues.copyOrZero(cts[k + 1], outP, paramOffsets[k], paramShapes[k].size());
                }
            }

            @Override
            public void vjpAddingParameters(double t, double[] u, double[] p, double[] lambda, double[] outU,
                                            double[] sumP) {
                Tensor[] cts = cotangents(t, u, p, lambda);
                FlatValues.copyOrZero(cts[0], outU, 0, n);
                for (int k = 0; k < paramShapes.length; k++) {
                    if (cts[k + 1] != null) {
                        FlatValues.flat(cts[k + 1], sumP, paramOffsets[k], true);
                    }
                }
            }

            /** The field's VJP at {@code u} for {@code lambda}. */
            private Tensor[] cotangents(double t, double[] u, double[] p, double[] lambda) {
                loadVjpInputs(u, lambda);
                return calls.vjp(vjpState, Tensor.scalar(t, dtype), parameters(p), vjpCotangent);
            }

            @Override
            public void jvp(double t, double[] u, double[] p, double[] vu, double[] vp, double[] out) {
                Tensor[] tangents = new Tensor[1 + paramShapes.length];
                tangents[0] = fresh(vu);
                System.arraycopy(freshParameters(vp), 0, tangents, 1, paramShapes.length);
                FlatValues.copyFlat(calls.jvp(fresh(u), Tensor.scalar(t, dtype), parameters(p), tangents), out, 0);
            }

            @Override
            public void jacobians(double t, double[] u, double[] p, double[] ju, double[] jp) {
                Tensor[] js = calls.jacobians(fresh(u), Tensor.scalar(t, dtype), parameters(p));
                FlatValues.copyFlat(js[0], ju, 0);
                for (int k = 0; k < paramShapes.length; k++) {
                    // js[k+1] is (n x size_k): its columns go to jp's columns offset_k ...
                    double[] block = js[k + 1].toDoubleArray();
                    int size = paramShapes[k].size();
                    for (int i = 0; i < n; i++) {
                        System.arraycopy(block, i * size, jp, i * np + paramOffsets[k], size);
                    }
                }
            }
        };
    }

    /**
     * For a {@link #compiled()} float32 or float64 field: its evaluations keep their residuals and its VJPs read
     * them ({@link SplitVjp}); the stages are the plans' own results, not copied ({@link #owned}), written into the
     * storages that finished sweeps gave back ({@link ResidualField#recycle}). Null for an eager field. Compiled at
     * the first call.
     */
    ResidualField residualField() {
        if (!compiled || (dtype != DType.FLOAT32 && dtype != DType.FLOAT64)) {
            return null;
        }
        return new ResidualField() {
            /** The next evaluation's state: a pooled tensor, kept with that stage for its VJP ({@link Stage#input}). */
            private Tensor input;

            @Override
            public Object state() {
                if (input == null) {
                    input = targets(List.of(stateBuffer.type())).get(0);
                }
                return TensorInternals.storage(input).array();
            }

            @Override
            public boolean keepsInputs() {
                return true;
            }

            @Override
            public Evaluation evaluate(double[] p, double t) {
                state();
                Tensor x = input;
                input = null; // the stage keeps it; the next evaluation writes its state elsewhere
                List<Tensor> into = targets(forwardTypes);
                SplitVjp.Forward f = split().forward(arguments(x, t, p), into);
                checkShape(f.value());
                if (forwardTypes == null) {
                    List<TensorType> types = new ArrayList<>();
                    types.add(f.value().type());
                    f.residuals().forEach(r -> types.add(r.type()));
                    forwardTypes = types;
                }
                List<Tensor> results = new ArrayList<>(1 + f.residuals().size());
                results.add(f.value());
                results.addAll(f.residuals());
                List<Storage> written = written(results, into);
                written.add(TensorInternals.storage(x));
                return new Evaluation(owned(f.value()), new Stage(x, f.residuals(), written));
            }

            @Override
            public Object vjpState() {
                return TensorInternals.storage(vjpState).array();
            }

            @Override
            public Object cotangent() {
                return TensorInternals.storage(vjpCotangent).array();
            }

            /** The parameter cotangents summed so far, in the field's dtype, or null for zero. */
            private List<Tensor> sums;

            @Override
            public Object vjp(Object residual, double t, double[] p) {
                if (sums == null) {
                    sums = new ArrayList<>(paramShapes.length);
                    for (Shape shape : paramShapes) {
                        sums.add(Tensor.zeros(dtype, shape.dims()));
                    }
                }
                List<Tensor> into = targets(List.of(vjpState.type()));
                Stage stage = (Stage) residual;
                List<Tensor> cts = split().backwardAdding(arguments(stage.input(), t, p), vjpCotangent,
                        stage.residuals(), sums, into.get(0));
                sums = new ArrayList<>(cts.subList(1, cts.size()));
                List<Storage> written = written(cts.subList(0, 1), into);
                Object xbar = owned(cts.get(0));
                if (!written.isEmpty()) {
                    vjpResults.put(xbar, written.get(0));
                }
                return xbar;
            }

            @Override
            public void drainParameters(double[] sumP) {
                vjpResults.clear(); // a new sweep: what an unfinished one returned is garbage
                if (sums != null && sumP != null) {
                    for (int k = 0; k < paramShapes.length; k++) {
                        FlatValues.flat(sums.get(k), sumP, paramOffsets[k], true);
                    }
                }
                sums = null;
            }

            /** The arrays {@link #vjp} returned this sweep that it wrote into storages of this binding's. */
            private final Map<Object, Storage> vjpResults = new IdentityHashMap<>();

            @Override
            public void recycle(List<?> parts) {
                Set<Storage> seen = Collections.newSetFromMap(new IdentityHashMap<>());
                for (Object part : parts) {
                    if (part instanceof Stage stage) {
                        stage.written().forEach(storage -> give(storage, seen));
                    } else if (part != null && vjpResults.containsKey(part)) {
                        give(vjpResults.remove(part), seen);
                    }
                }
            }
        };
    }

    /**
     * A stage (what {@link ResidualField#evaluate} returns as the residual): its state, its residuals, and the
     * storages of this binding's that hold the state and that the plan wrote the stage's results into: those alone
     * are recycled, never one the plan did not write (a constant's, a parameter's, or a view of them).
     */
    private record Stage(Tensor input, List<Tensor> residuals, List<Storage> written) {
    }

    /**
     * A result tensor for each of {@code types}, over a recycled storage, else a new one (none before the first
     * call has told the types): the plan writes its results into them ({@link org.fluxion.jit.Jitted#applyInto}).
     */
    private List<Tensor> targets(List<TensorType> types) {
        if (types == null) {
            return Collections.singletonList(null);
        }
        List<Tensor> out = new ArrayList<>(types.size());
        for (TensorType type : types) {
            ArrayDeque<Storage> free = pool.get(new PoolKey(type.dtype(), type.shape().size()));
            Storage storage = free == null ? null : free.poll();
            if (storage == null) {
                storage = Storage.allocate(type.dtype(), type.shape().size());
            }
            out.add(Tensor.wrap(storage, type.shape()));
        }
        return out;
    }

    /**
     * The storages of {@code into} that the plan wrote {@code results} into (result k's storage is into k's);
     * the others, which no result holds, go straight back to the pool.
     */
    private List<Storage> written(List<Tensor> results, List<Tensor> into) {
        List<Storage> written = new ArrayList<>();
        for (int k = 0; k < into.size(); k++) {
            if (into.get(k) == null) {
                continue;
            }
            Storage storage = TensorInternals.storage(into.get(k));
            if (k < results.size() && TensorInternals.storage(results.get(k)) == storage) {
                written.add(storage);
            } else if (!holds(results, storage)) {
                give(storage, Collections.newSetFromMap(new IdentityHashMap<>()));
            }
        }
        return written;
    }

    private static boolean holds(List<Tensor> results, Storage storage) {
        for (Tensor r : results) {
            if (TensorInternals.storage(r) == storage) {
                return true;
            }
        }
        return false;
    }

    /** Adds {@code storage} to the pool (by the type of the result written into it), once. */
    private void give(Storage storage, Set<Storage> seen) {
        if (seen.add(storage)) {
            pool.computeIfAbsent(new PoolKey(storage.dtype(), storage.length()), k -> new ArrayDeque<>()).push(storage);
        }
    }

    /**
     * The n elements of a float32 or float64 result as a float[] or double[] the caller may keep: the result's own
     * array when it is exactly that (contiguous, whole, and not the cotangent buffer, which the next VJP overwrites:
     * a VJP may return its cotangent as it is; the stage states a plan reads are kept, and its results are new or
     * recycled arrays), else a copy.
     */
    private Object owned(Tensor t) {
        Object array = TensorInternals.storage(t).array();
        boolean whole = t.isContiguous() && t.offset() == 0 && t.size() == n
                && (array instanceof float[] f ? f.length == n : array instanceof double[] d && d.length == n);
        if (whole && array != TensorInternals.storage(vjpCotangent).array()) {
            return array;
        }
        if (t.dtype() != DType.FLOAT32) {
            return FlatValues.toDoubles(t);
        }
        Tensor c = t.contiguous();
        float[] values = (float[]) TensorInternals.storage(c).array();
        return Arrays.copyOfRange(values, c.offset(), c.offset() + n);
    }

    /** A VJP's state and cotangent, into this binding's buffers. */
    private void loadVjpInputs(double[] u, double[] lambda) {
        FlatValues.load(u, vjpState);
        FlatValues.load(lambda, vjpCotangent);
    }

    private SplitVjp split() {
        if (split == null) {
            split = calls.split(stateBuffer, Tensor.scalar(0, dtype), freshParameters(new double[np]));
        }
        return split;
    }

    /** {@code (u, t, params)} as the split VJP's primal arguments. */
    private List<Tensor> arguments(Tensor u, double t, double[] p) {
        Tensor[] ps = parameters(p);
        List<Tensor> x = new ArrayList<>(2 + ps.length);
        x.add(u);
        x.add(Tensor.scalar(t, dtype));
        x.addAll(Arrays.asList(ps));
        return x;
    }

    /** The state tensor of the flat state {@code u} (a new tensor). */
    public Tensor state(double[] u) {
        return fresh(u);
    }

    /** The parameter tensors of the flat parameters {@code p} (new tensors). */
    public Tensor[] parameterTensors(double[] p) {
        return freshParameters(p);
    }

    private Tensor fresh(double[] values) {
        return FlatValues.tensorOf(values, stateShape.dims(), dtype);
    }

    private Tensor[] freshParameters(double[] p) {
        Tensor[] out = new Tensor[paramShapes.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = Tensor.empty(paramShapes[k], dtype);
            FlatValues.loadRange(p, paramOffsets[k], out[k]);
        }
        return out;
    }

    /** The parameter tensors for {@code p}, rebuilt only when another array is passed. */
    private Tensor[] parameters(double[] p) {
        if (p != cachedP) {
            cachedParams = freshParameters(p);
            cachedP = p;
        }
        return cachedParams;
    }

    /** Copies the field's output into {@code du}, checking its shape. */
    private void store(Tensor out, double[] du) {
        checkShape(out);
        FlatValues.copyFlat(out, du, 0);
    }

    private void checkShape(Tensor out) {
        if (!out.shape().equals(stateShape)) {
            throw new IllegalStateException("TensorField returned shape " + out.shape() + " for a state of shape "
                    + stateShape + "; du/dt must have the state's shape");
        }
    }
}
