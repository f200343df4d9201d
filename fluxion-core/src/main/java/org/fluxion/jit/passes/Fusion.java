package org.fluxion.jit.passes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.jit.codegen.ElementwiseProgram.Access;
import org.fluxion.jit.codegen.ElementwiseProgram.Reduction;
import org.fluxion.jit.codegen.ElementwiseProgram;
import org.fluxion.jit.ir.Equation;
import org.fluxion.jit.ir.Graph;
import org.fluxion.jit.ir.Value;
import org.fluxion.ops.Binary;
import org.fluxion.ops.Cast;
import org.fluxion.ops.Reduce;
import org.fluxion.ops.ReduceOp;
import org.fluxion.ops.Unary;
import org.fluxion.ops.ViewPrimitives.Expand;
import org.fluxion.ops.Where;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;

/**
 * Fusion of elementwise chains (and a trailing sum or max) into single {@link Fused} kernels.
 *
 * <p>Groups are formed walking the graph backwards: an elementwise equation joins the group of its
 * consumers when all of them are in one group, its result is not a graph output, and it has the group's
 * iteration shape (or broadcasts into it a few times over, see {@link #joins}); so a value used twice inside a
 * group is computed once, in registers, and never stored. A {@code sum} or {@code max} over trailing axes (or
 * all axes) starts a group as its reduction.
 * Inputs of a group that broadcast (bias rows, per-row scalars, scalars) are read with a broadcast access
 * instead of being expanded; scalar constants are inlined into the program.
 */
final class Fusion {
    private Fusion() {
    }

    /**
     * Operations per fused kernel at most: beyond about 40 (with transcendental functions) C2 stops
     * inlining the generated code's helpers and the kernel falls back to eager speed.
     */
    private static final int MAX_GROUP = 32;

    /**
     * How many times over at most a group computes a member broadcast into its iteration space ({@link #joins}):
     * a kernel's call and its pass through memory cost more than a few recomputed elements, not more than
     * recomputing each element of a long row (a layer norm's statistics).
     */
    private static final int MAX_RECOMPUTE = 4;

    /** Rows shorter than this many elements are flattened (see {@link #build}). */
    private static final int SHORT_ROW = 16;

    private static final class Group {
        final List<Equation> members = new ArrayList<>();
        final Shape space;
        final DType dtype;
        Equation reduce;

        Group(Shape space, DType dtype) {
            this.space = space;
            this.dtype = dtype;
        }
    }

    static Graph fuse(Graph g) {
        Map<Value, List<Equation>> uses = g.readers();
        Map<Value, Boolean> isOutput = new IdentityHashMap<>();
        g.outputs().forEach(v -> isOutput.put(v, true));
        Map<Equation, Group> groupOf = new IdentityHashMap<>();
        for (int i = g.equations().size() - 1; i >= 0; i--) {
            Equation e = g.equations().get(i);
            if (e.outputs().length != 1) {
                continue; // a primitive of several outputs is never elementwise
            }
            Value out = e.output();
            if (trailingReduction(e) != null) {
                Group r = new Group(e.inputs()[0].type().shape(), out.type().dtype());
                r.reduce = e;
                groupOf.put(e, r);
                continue;
            }
            DType floatType = elementwiseType(e);
            if (floatType == null) {
                continue;
            }
            Group target = null;
            List<Equation> consumers = uses.getOrDefault(out, List.of());
            if (!isOutput.containsKey(out) && !consumers.isEmpty()) {
                target = groupOf.get(consumers.get(0));
                for (Equation c : consumers) {
                    if (groupOf.get(c) != target) {
                        target = null;
                        break;
                    }
                }
            }
            if (target != null && joins(out.type().shape(), target.space) && target.dtype == floatType
                    && target.members.size() < MAX_GROUP) {
                target.members.add(e);
                groupOf.put(e, target);
            } else if (!(e.primitive() instanceof Expand) && (out.type().dtype() == floatType || out.type().dtype() == DType.BOOL)) {
                Group fresh = new Group(out.type().shape(), floatType);
                fresh.members.add(e);
                groupOf.put(e, fresh);
            }
        }
        Map<Group, Equation> fused = new IdentityHashMap<>();
        for (Group grp : new LinkedHashMap<>(invert(groupOf)).keySet()) {
            // Lone operations too: a generated kernel beats the strided eager loop on broadcasts and
            // small rows, and is no slower on dense arrays.
            if (!grp.members.isEmpty() || grp.reduce != null) {
                Equation f = build(grp);
                if (f != null) {
                    fused.put(grp, f);
                }
            }
        }
        if (fused.isEmpty()) {
            return g;
        }
        List<Equation> out = new ArrayList<>();
        for (Equation e : g.equations()) {
            Group grp = groupOf.get(e);
            Equation f = grp == null ? null : fused.get(grp);
            if (f == null) {
                out.add(e);
            } else if (root(grp) == e) {
                out.add(f);
            }
        }
        return new Graph(g.inputs(), out, g.outputs());
    }

    /**
     * Whether a value of shape {@code s} is computed inside a group of iteration space {@code space}: of that shape,
     * or broadcast into it at most {@link #MAX_RECOMPUTE} times (a per-row scalar of a few columns, the
     * normalizer of a two-class softmax), which the kernel then computes for each element it is read at, instead
     * of a kernel of its own writing it out for the group to read back.
     */
    private static boolean joins(Shape s, Shape space) {
        if (s.equals(space)) {
            return true;
        }
        if (s.rank() > space.rank() || s.size() == 0 || space.size() > MAX_RECOMPUTE * (long) s.size()) {
            return false;
        }
        for (int k = 0; k < s.rank(); k++) {
            int d = s.dim(s.rank() - 1 - k);
            if (d != 1 && d != space.dim(space.rank() - 1 - k)) {
                return false;
            }
        }
        return true;
    }

    private static Map<Group, Boolean> invert(Map<Equation, Group> groupOf) {
        Map<Group, Boolean> groups = new IdentityHashMap<>();
        groupOf.values().forEach(grp -> groups.put(grp, true));
        return groups;
    }

    /** The equation whose output the group computes: its reduction, or its first member found (the last in order). */
    private static Equation root(Group grp) {
        return grp.reduce != null ? grp.reduce : grp.members.get(0);
    }

    /**
     * The float dtype of an elementwise equation the code generator handles (its values are of that
     * dtype or bool masks), or null when it is not one.
     */
    private static DType elementwiseType(Equation e) {
        boolean ok = switch (e.primitive()) {
            case Unary u -> true;
            case Binary b -> true;
            case Where w -> true;
            case Expand x -> true;
            case Cast c -> e.inputs()[0].type().dtype() == DType.BOOL || e.inputs()[0].type().dtype() == c.target();
            default -> false;
        };
        if (!ok) {
            return null;
        }
        DType f = null;
        for (Value v : e.inputs()) {
            f = merge(f, v.type().dtype());
        }
        f = merge(f, e.output().type().dtype());
        return f == DType.FLOAT32 || f == DType.FLOAT64 ? f : null; // INT64 here marks a mix that is not fused
    }

    /** Float32/float64 and bool mix; anything else (integers, two float types) is not fused. */
    private static DType merge(DType acc, DType d) {
        if (acc == null) {
            return d == DType.FLOAT32 || d == DType.FLOAT64 || d == DType.BOOL ? d : DType.INT64;
        }
        if (acc == DType.INT64 || d == DType.BOOL) {
            return acc;
        }
        if (acc == DType.BOOL) {
            return d == DType.FLOAT32 || d == DType.FLOAT64 ? d : DType.INT64;
        }
        return acc == d ? acc : DType.INT64;
    }

    /** The reduction of a float sum or max over trailing axes or all axes; null for any other equation. */
    private static Reduction trailingReduction(Equation e) {
        if (!(e.primitive() instanceof Reduce r) || (r.op() != ReduceOp.SUM && r.op() != ReduceOp.MAX)) {
            return null;
        }
        DType d = e.inputs()[0].type().dtype();
        if (d != DType.FLOAT32 && d != DType.FLOAT64 || d != e.output().type().dtype()) {
            return null;
        }
        int rank = e.inputs()[0].type().shape().rank();
        int[] axes = r.axes().clone();
        for (int k = 0; k < axes.length; k++) {
            axes[k] = axes[k] < 0 ? axes[k] + rank : axes[k];
        }
        Arrays.sort(axes);
        if (axes.length == 0) {
            return null;
        }
        for (int k = 0; k < axes.length; k++) {
            if (axes[k] != rank - axes.length + k) {
                return null;
            }
        }
        boolean all = axes.length == rank;
        return r.op() == ReduceOp.SUM ? (all ? Reduction.SUM_ALL : Reduction.SUM_INNER)
                : (all ? Reduction.MAX_ALL : Reduction.MAX_INNER);
    }

    /** The fused equation of a group, or null when its inputs admit no common [outer, inner] split. */
    private static Equation build(Group grp) {
        List<Equation> members = new ArrayList<>(grp.members);
        java.util.Collections.reverse(members); // execution order
        Map<Value, Boolean> inside = new IdentityHashMap<>();
        members.forEach(e -> inside.put(e.output(), true));
        List<Value> external = new ArrayList<>();
        Map<Value, Double> inlined = new IdentityHashMap<>(); // uniform float constants, inlined in the program
        for (Equation e : members) {
            for (Value v : e.inputs()) {
                if (inside.containsKey(v) || external.contains(v) || inlined.containsKey(v)) {
                    continue;
                }
                Double u = v.type().dtype().isFloatingPoint() ? v.uniformValue(Passes.FOLD_LIMIT) : null;
                if (u != null) {
                    inlined.put(v, u);
                } else {
                    external.add(v);
                }
            }
        }
        if (grp.reduce != null && !inside.containsKey(grp.reduce.inputs()[0])) {
            external.add(grp.reduce.inputs()[0]); // a lone reduction of a value computed elsewhere
        }
        Shape space = grp.space;
        int rank = space.rank();
        Reduction reduction = grp.reduce == null ? Reduction.NONE : trailingReduction(grp.reduce);
        int split = -1;
        boolean[] allowed = new boolean[rank + 1];
        Arrays.fill(allowed, true);
        if (reduction.perRow()) {
            Arrays.fill(allowed, false);
            allowed[rank - ((Reduce) grp.reduce.primitive()).axes().length] = true;
        }
        for (Value v : external) {
            boolean[] ok = splitsFor(v.type().shape(), space);
            for (int p = 0; p <= rank; p++) {
                allowed[p] &= ok[p];
            }
        }
        for (int p = 0; p <= rank && split < 0; p++) {
            if (allowed[p]) {
                split = p; // the longest inner runs: vector loops over [outer, inner] go along inner
            }
        }
        if (split < 0) {
            return null;
        }
        int outer = 1;
        for (int k = 0; k < split; k++) {
            outer *= space.dim(k);
        }
        int inner = space.size() / Math.max(1, outer);
        if (space.size() == 0) {
            return null;
        }
        // Rows shorter than a vector would run as one masked vector op per row: for such spaces the
        // broadcast inputs are repeated into dense arrays first (a cheap copy) and the kernel runs flat.
        // A sum or max over such short rows runs flat too, then folds each row in Java (foldRows).
        boolean foldRows = reduction.perRow() && inner < SHORT_ROW && outer > 1;
        boolean densify = (reduction == Reduction.NONE || foldRows) && inner < SHORT_ROW && outer > 1;
        Access[] repeats = new Access[external.size()];
        ElementwiseProgram.Builder b = ElementwiseProgram.builder(grp.dtype);
        Map<Value, Integer> local = new IdentityHashMap<>();
        for (Value v : external) {
            Access acc = access(v.type().shape(), space, split);
            if (densify && (acc == Access.ROW || acc == Access.COLUMN)) {
                repeats[external.indexOf(v)] = acc;
                acc = Access.FULL;
            }
            local.put(v, b.input(v.type().dtype(), acc));
        }
        try {
            for (Equation e : members) {
                int[] a = new int[e.inputs().length];
                for (int k = 0; k < a.length; k++) {
                    Value v = e.inputs()[k];
                    Integer id = local.get(v);
                    a[k] = id != null ? id : b.constant(inlined.get(v));
                }
                int r = switch (e.primitive()) {
                    case Unary u -> b.unary(u.op(), a[0]);
                    case Binary bin -> b.binary(bin.op(), a[0], a[1]);
                    case Where w -> b.where(a[0], a[1], a[2]);
                    case Cast c -> e.inputs()[0].type().dtype() == DType.BOOL ? b.toFloat(a[0]) : a[0];
                    case Expand x -> a[0];
                    default -> throw new IllegalStateException("not elementwise: " + e);
                };
                local.put(e.output(), r);
            }
            int result = local.get(grp.reduce != null ? grp.reduce.inputs()[0] : grp.members.get(0).output());
            ElementwiseProgram program = b.build(result, foldRows ? Reduction.NONE : reduction);
            Equation root = root(grp);
            Value[] ins = external.toArray(Value[]::new);
            Reduction fold = foldRows ? reduction : null;
            Fused fused = densify ? new Fused(program, root.output().type(), 1, outer * inner, repeats, inner, fold)
                    : new Fused(program, root.output().type(), outer, inner, repeats, inner, null);
            return new Equation(fused, ins, root.output());
        } catch (IllegalArgumentException unsupported) {
            return null; // an operation the generator does not handle: the group stays unfused
        }
    }

    /** Which splits {@code p} let a value of shape {@code s} broadcast to {@code space} as one access pattern. */
    private static boolean[] splitsFor(Shape s, Shape space) {
        int rank = space.rank();
        int[] d = aligned(s, space);
        boolean[] ok = new boolean[rank + 1];
        for (int p = 0; p <= rank; p++) {
            ok[p] = access(d, space, p) != null;
        }
        return ok;
    }

    private static Access access(Shape s, Shape space, int p) {
        return access(aligned(s, space), space, p);
    }

    /** The value's dims right-aligned to the space's rank (leading 1s). */
    private static int[] aligned(Shape s, Shape space) {
        int[] d = new int[space.rank()];
        Arrays.fill(d, 1);
        for (int k = 0; k < s.rank(); k++) {
            d[space.rank() - s.rank() + k] = s.dim(k);
        }
        return d;
    }

    /** FULL, ROW (ones before p, equal from p), COLUMN (equal before p, ones from p), SCALAR, or null. */
    private static Access access(int[] d, Shape space, int p) {
        boolean outerEq = true, outerOnes = true, innerEq = true, innerOnes = true;
        for (int k = 0; k < d.length; k++) {
            boolean eq = d[k] == space.dim(k);
            boolean one = d[k] == 1;
            if (k < p) {
                outerEq &= eq;
                outerOnes &= one;
            } else {
                innerEq &= eq;
                innerOnes &= one;
            }
        }
        if (outerEq && innerEq) {
            return Access.FULL;
        }
        if (outerOnes && innerOnes) {
            return Access.SCALAR;
        }
        if (outerOnes && innerEq) {
            return Access.ROW;
        }
        if (outerEq && innerOnes) {
            return Access.COLUMN;
        }
        return null;
    }
}
