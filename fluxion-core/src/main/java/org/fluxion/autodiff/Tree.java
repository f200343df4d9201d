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
        if (tree instanceof List<?> list && list.size() <= FLAT_LISTS) {
            // A list of tensors (a compiled function's arguments, called for every step): one pass, a shared def.
            Tensor[] leaves = new Tensor[list.size()];
            int i = 0;
            for (Object o : list) {
                if (!(o instanceof Tensor t)) {
                    break;
                }
                leaves[i++] = t;
            }
            if (i == leaves.length) {
                return new Flat(List.of(leaves), FLAT_LIST_DEFS[i]);
            }
        }
        List<Tensor> leaves = new ArrayList<>();
        TreeDef def = flatten(tree, leaves);
        return new Flat(List.copyOf(leaves), def);
    }

    /** The longest list of tensors with a shared definition. */
    private static final int FLAT_LISTS = 64;

    /** {@code FLAT_LIST_DEFS[n]}: the definition of a list of n tensors. */
    private static final TreeDef[] FLAT_LIST_DEFS = new TreeDef[FLAT_LISTS + 1];

    static {
        for (int n = 0; n <= FLAT_LISTS; n++) {
            FLAT_LIST_DEFS[n] = new TreeDef.ListNode(java.util.Collections.nCopies(n, TreeDef.LEAF), n);
        }
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

    /**
     * Checks that two trees have the same structure and, leaf by leaf, the same shape (a tangent tree
     * against its primal tree, say).
     *
     * @throws IllegalArgumentException naming the first path where they differ (e.g. {@code ["layer1"].w})
     *                                  and what each tree has there
     */
    static void requireSameShapes(String op, String aName, Flat a, String bName, Flat b) {
        String diff = firstDifference(a.def(), b.def(), "");
        if (diff != null) {
            throw new IllegalArgumentException(op + ": the " + bName + " tree does not have the structure of the "
                    + aName + " tree: " + diff.replace("%A", aName).replace("%B", bName));
        }
        List<String> paths = paths(a.def());
        for (int i = 0; i < paths.size(); i++) {
            Tensor x = a.leaves().get(i);
            Tensor y = b.leaves().get(i);
            if (!x.shape().equals(y.shape())) {
                throw new IllegalArgumentException(op + ": at " + shown(paths.get(i)) + " the " + bName
                        + " has shape " + y.shape() + " but the " + aName + " has shape " + x.shape()
                        + "; they must be equal");
            }
        }
    }

    /**
     * The path of every leaf of a tree, in flattening order: {@code [2]} for a list or array index,
     * {@code ["key"]} for a map key, {@code .name} for a record component; the root alone is {@code ""}.
     */
    static List<String> paths(TreeDef def) {
        List<String> out = new ArrayList<>(def.leafCount());
        paths(def, "", out);
        return out;
    }

    private static void paths(TreeDef def, String path, List<String> out) {
        switch (def) {
            case TreeDef.Leaf l -> out.add(path);
            case TreeDef.Constant c -> { }
            case TreeDef.ListNode n -> {
                for (int i = 0; i < n.children().size(); i++) {
                    paths(n.children().get(i), path + "[" + i + "]", out);
                }
            }
            case TreeDef.ArrayNode n -> {
                for (int i = 0; i < n.children().size(); i++) {
                    paths(n.children().get(i), path + "[" + i + "]", out);
                }
            }
            case TreeDef.MapNode n -> {
                for (int i = 0; i < n.keys().size(); i++) {
                    paths(n.children().get(i), path + key(n.keys().get(i)), out);
                }
            }
            case TreeDef.RecordNode n -> {
                RecordComponent[] comps = n.type().getRecordComponents();
                for (int i = 0; i < comps.length; i++) {
                    paths(n.children().get(i), path + "." + comps[i].getName(), out);
                }
            }
        }
    }

    /** Where and how two structures first differ ({@code %A}/{@code %B} stand for the trees' names), or null. */
    private static String firstDifference(TreeDef a, TreeDef b, String path) {
        if (a.equals(b)) {
            return null;
        }
        List<TreeDef> ca = children(a);
        List<TreeDef> cb = children(b);
        boolean sameNode = a.getClass() == b.getClass() && ca.size() == cb.size()
                && switch (a) {
                    case TreeDef.MapNode m -> m.keys().equals(((TreeDef.MapNode) b).keys());
                    case TreeDef.RecordNode r -> r.type() == ((TreeDef.RecordNode) b).type();
                    case TreeDef.ArrayNode r -> r.componentType() == ((TreeDef.ArrayNode) b).componentType();
                    default -> !(a instanceof TreeDef.Constant);
                };
        if (sameNode) {
            List<String> childPaths = childPaths(a, path);
            for (int i = 0; i < ca.size(); i++) {
                String d = firstDifference(ca.get(i), cb.get(i), childPaths.get(i));
                if (d != null) {
                    return d;
                }
            }
        }
        return "at " + shown(path) + " the %B has " + describe(b) + " but the %A has " + describe(a);
    }

    private static List<TreeDef> children(TreeDef def) {
        return switch (def) {
            case TreeDef.ListNode n -> n.children();
            case TreeDef.ArrayNode n -> n.children();
            case TreeDef.MapNode n -> n.children();
            case TreeDef.RecordNode n -> n.children();
            case TreeDef.Leaf l -> List.of();
            case TreeDef.Constant c -> List.of();
        };
    }

    private static List<String> childPaths(TreeDef def, String path) {
        List<String> out = new ArrayList<>();
        switch (def) {
            case TreeDef.MapNode n -> n.keys().forEach(k -> out.add(path + key(k)));
            case TreeDef.RecordNode n -> {
                for (RecordComponent c : n.type().getRecordComponents()) {
                    out.add(path + "." + c.getName());
                }
            }
            default -> {
                for (int i = 0; i < children(def).size(); i++) {
                    out.add(path + "[" + i + "]");
                }
            }
        }
        return out;
    }

    private static String describe(TreeDef def) {
        return switch (def) {
            case TreeDef.Leaf l -> "a tensor";
            case TreeDef.Constant c -> "the constant " + c.value();
            case TreeDef.ListNode n -> "a list of " + n.children().size();
            case TreeDef.ArrayNode n -> "an array of " + n.children().size() + " " + n.componentType().getSimpleName();
            case TreeDef.MapNode n -> "a map with keys " + n.keys();
            case TreeDef.RecordNode n -> "a record " + n.type().getSimpleName();
        };
    }

    private static String key(Object k) {
        return k instanceof String str ? "[\"" + str + "\"]" : "[" + k + "]";
    }

    private static String shown(String path) {
        return path.isEmpty() ? "the root" : path;
    }

    private static TreeDef flatten(Object node, List<Tensor> leaves) {
        if (node instanceof Tensor t) {
            leaves.add(t);
            return TreeDef.LEAF;
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
            RecordShape shape = RecordShape.of(r.getClass());
            List<TreeDef> children = new ArrayList<>(shape.names().length);
            for (int i = 0; i < shape.names().length; i++) {
                Object component;
                try {
                    if (shape.accessors()[i] == null) {
                        throw new IllegalAccessException("its accessor is not accessible");
                    }
                    component = (Object) shape.accessors()[i].invokeExact((Object) r);
                } catch (Throwable e) {
                    throw new IllegalArgumentException("flatten: cannot read component " + shape.names()[i]
                            + " of record " + r.getClass().getName() + ": " + e, e);
                }
                children.add(flatten(component, leaves));
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
        return RecordShape.of(recordType).types().clone();
    }
}
