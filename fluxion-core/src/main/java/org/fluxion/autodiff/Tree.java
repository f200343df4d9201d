package org.fluxion.autodiff;

import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.SortedMap;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import org.fluxion.tensor.Tensor;

/**
 * Pytrees: nested parameter containers whose leaves are tensors (JAX's {@code tree_util}, autograd's
 * {@code flatten}). A tree is
 * <ul>
 *   <li>a {@link Tensor} (a leaf);</li>
 *   <li>a {@link List} or an array of trees, in index order;</li>
 *   <li>a {@link Map} of trees. Key order is part of the structure and must be deterministic: maps that
 *       have an order ({@link SequencedMap} such as {@link LinkedHashMap}, {@link SortedMap}) keep it;
 *       other maps ({@code HashMap}, {@code Map.of}) are walked in sorted key order (natural order for
 *       comparable keys, else by {@code toString});</li>
 *   <li>a {@link Record} of trees, in component declaration order;</li>
 *   <li>anything else (numbers, strings, null): a constant that is kept in the {@link TreeDef} and not
 *       differentiated.</li>
 * </ul>
 * Leaves are visited depth first, so {@code flatten(t).def().unflatten(flatten(t).leaves())} equals
 * {@code t} up to container implementation classes.
 */
public final class Tree {
    private Tree() {
    }

    /** The leaves of a tree, depth first, and its structure. */
    public record Flat(List<Tensor> leaves, TreeDef def) {
    }

    /** Splits {@code tree} into its tensor leaves and its structure. */
    public static Flat flatten(Object tree) {
        List<Tensor> leaves = new ArrayList<>();
        TreeDef def = flatten(tree, leaves);
        return new Flat(List.copyOf(leaves), def);
    }

    /** The leaves of {@code tree}, depth first. */
    public static List<Tensor> leaves(Object tree) {
        return flatten(tree).leaves();
    }

    /** A tree of the same structure with {@code fn} applied to every leaf. */
    public static <T> T map(T tree, UnaryOperator<Tensor> fn) {
        Flat f = flatten(tree);
        return f.def().unflatten(f.leaves().stream().map(fn).toList());
    }

    /**
     * A tree of the structure of {@code a} with {@code fn(a_leaf, b_leaf)} at every leaf, e.g. an SGD step
     * {@code map(params, grads, (p, g) -> p.sub(g.mul(lr)))}.
     *
     * @throws IllegalArgumentException when the two trees do not have the same structure
     */
    public static <T> T map(T a, T b, BinaryOperator<Tensor> fn) {
        Flat fa = flatten(a);
        Flat fb = flatten(b);
        requireSameStructure("map", fa.def(), fb.def());
        List<Tensor> out = new ArrayList<>(fa.leaves().size());
        for (int i = 0; i < fa.leaves().size(); i++) {
            out.add(fn.apply(fa.leaves().get(i), fb.leaves().get(i)));
        }
        return fa.def().unflatten(out);
    }

    static void requireSameStructure(String op, TreeDef a, TreeDef b) {
        if (!a.equals(b)) {
            throw new IllegalArgumentException(op + ": the trees have different structures: " + a + " vs " + b);
        }
    }

    private static TreeDef flatten(Object node, List<Tensor> leaves) {
        if (node instanceof Tensor t) {
            leaves.add(t);
            return new TreeDef.Leaf();
        }
        int before = leaves.size();
        if (node instanceof List<?> list) {
            List<TreeDef> children = new ArrayList<>(list.size());
            for (Object c : list) {
                children.add(flatten(c, leaves));
            }
            return new TreeDef.ListNode(List.copyOf(children), leaves.size() - before);
        }
        if (node instanceof Map<?, ?> map) {
            List<Object> keys = orderedKeys(map);
            List<TreeDef> children = new ArrayList<>(keys.size());
            for (Object k : keys) {
                children.add(flatten(map.get(k), leaves));
            }
            return new TreeDef.MapNode(List.copyOf(keys), List.copyOf(children), leaves.size() - before);
        }
        if (node instanceof Record r) {
            RecordComponent[] comps = r.getClass().getRecordComponents();
            List<TreeDef> children = new ArrayList<>(comps.length);
            for (RecordComponent c : comps) {
                try {
                    var accessor = c.getAccessor();
                    accessor.setAccessible(true);
                    children.add(flatten(accessor.invoke(r), leaves));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new IllegalArgumentException("flatten: cannot read component " + c.getName()
                            + " of record " + r.getClass().getName() + ": " + e, e);
                }
            }
            return new TreeDef.RecordNode(r.getClass(), List.copyOf(children), leaves.size() - before);
        }
        if (node != null && node.getClass().isArray() && !node.getClass().getComponentType().isPrimitive()) {
            int n = Array.getLength(node);
            List<TreeDef> children = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                children.add(flatten(Array.get(node, i), leaves));
            }
            return new TreeDef.ArrayNode(node.getClass().getComponentType(), List.copyOf(children),
                    leaves.size() - before);
        }
        return new TreeDef.Constant(node);
    }

    /** The map's own order when it has one, else the keys sorted, so that flattening is deterministic. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<Object> orderedKeys(Map<?, ?> map) {
        List<Object> keys = new ArrayList<>(map.keySet());
        if (!(map instanceof SequencedMap<?, ?>)) {
            boolean comparable = keys.stream().allMatch(k -> k instanceof Comparable);
            Comparator<Object> order = comparable ? (a, b) -> ((Comparable) a).compareTo(b)
                    : Comparator.comparing(String::valueOf);
            keys.sort(order);
        }
        return keys;
    }

    /** The component types of a record, in declaration order: the canonical constructor's parameters. */
    static Class<?>[] componentTypes(Class<?> recordType) {
        RecordComponent[] comps = recordType.getRecordComponents();
        Class<?>[] types = new Class<?>[comps.length];
        for (int i = 0; i < comps.length; i++) {
            types[i] = comps[i].getType();
        }
        return types;
    }
}
