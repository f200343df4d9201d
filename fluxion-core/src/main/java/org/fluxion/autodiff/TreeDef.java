package org.fluxion.autodiff;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.tensor.Tensor;

/**
 * The structure of a pytree with its leaves taken out (JAX's PyTreeDef): what {@link Tree#flatten}
 * returns beside the leaves, and what {@link #unflatten} fills with new leaves. Two trees of the same
 * structure have equal definitions. Immutable.
 */
public sealed interface TreeDef {
    /** How many tensor leaves the structure holds. */
    int leafCount();

    /**
     * A tree of this structure with {@code leaves} in the order {@link Tree#flatten} gave them. Lists come
     * back as unmodifiable lists, maps as unmodifiable insertion-ordered maps (sequenced, so that
     * flattening them again keeps the order), records through their
     * canonical constructor, arrays as arrays of the same component type.
     *
     * @throws IllegalArgumentException when the number of leaves is not {@link #leafCount()}
     */
    @SuppressWarnings("unchecked")
    default <T> T unflatten(List<Tensor> leaves) {
        if (leaves.size() != leafCount()) {
            throw new IllegalArgumentException("unflatten: the tree has " + leafCount() + " leaves but "
                    + leaves.size() + " were given");
        }
        int[] next = {0};
        return (T) build(leaves, next);
    }

    /**
     * A tree of this structure whose leaves are arbitrary objects, e.g. a tree of trees (the Jacobian
     * blocks of a function of a tree): an array node whose component type cannot hold them becomes an
     * {@code Object[]}, a record node whose components cannot hold them a map from component name to value.
     *
     * @throws IllegalArgumentException when the number of leaves is not {@link #leafCount()}
     */
    @SuppressWarnings("unchecked")
    default Object unflattenObjects(List<?> leaves) {
        if (leaves.size() != leafCount()) {
            throw new IllegalArgumentException("unflatten: the tree has " + leafCount() + " leaves but "
                    + leaves.size() + " were given");
        }
        int[] next = {0};
        return build(leaves, next);
    }

    /** Builds this node from {@code leaves[next[0]...]}, advancing {@code next[0]}. */
    Object build(List<?> leaves, int[] next);

    /** The definition of a tensor (all are equal; one instance shared). */
    TreeDef LEAF = new Leaf();

    /** A tensor. */
    record Leaf() implements TreeDef {
        @Override
        public int leafCount() {
            return 1;
        }

        @Override
        public Object build(List<?> leaves, int[] next) {
            return leaves.get(next[0]++);
        }
    }

    /** A value that is not a tensor nor a container (a number, a string, null): kept as it is. */
    record Constant(Object value) implements TreeDef {
        @Override
        public int leafCount() {
            return 0;
        }

        @Override
        public Object build(List<?> leaves, int[] next) {
            return value;
        }
    }

    /** A {@link List}. */
    record ListNode(List<TreeDef> children, int leafCount) implements TreeDef {
        @Override
        public Object build(List<?> leaves, int[] next) {
            List<Object> out = new ArrayList<>(children.size());
            for (TreeDef c : children) {
                out.add(c.build(leaves, next));
            }
            return Collections.unmodifiableList(out);
        }
    }

    /** A {@link Map}, with its keys in flattening order. */
    record MapNode(List<Object> keys, List<TreeDef> children, int leafCount) implements TreeDef {
        @Override
        public Object build(List<?> leaves, int[] next) {
            LinkedHashMap<Object, Object> out = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                out.put(keys.get(i), children.get(i).build(leaves, next));
            }
            return Collections.unmodifiableSequencedMap(out);
        }
    }

    /** A record, rebuilt with its canonical constructor from its components in declaration order. */
    record RecordNode(Class<?> type, List<TreeDef> children, int leafCount) implements TreeDef {
        @Override
        public Object build(List<?> leaves, int[] next) {
            Object[] args = new Object[children.size()];
            RecordShape shape = RecordShape.of(type);
            Class<?>[] types = shape.types();
            boolean fits = true;
            for (int i = 0; i < args.length; i++) {
                args[i] = children.get(i).build(leaves, next);
                fits &= args[i] == null || types[i].isPrimitive() || types[i].isInstance(args[i]);
            }
            if (!fits) { // leaves that are trees themselves (unflattenObjects): a map by component name
                LinkedHashMap<Object, Object> out = new LinkedHashMap<>();
                for (int i = 0; i < args.length; i++) {
                    out.put(shape.names()[i], args[i]);
                }
                return Collections.unmodifiableSequencedMap(out);
            }
            if (shape.constructor() == null) {
                throw new IllegalArgumentException("unflatten: cannot rebuild record " + type.getName()
                        + " with its canonical constructor: it is not accessible");
            }
            try {
                return (Object) shape.constructor().invokeExact(args);
            } catch (RuntimeException | Error e) {
                throw new IllegalArgumentException("unflatten: the constructor of record " + type.getName()
                        + " rejected the new components: " + e, e);
            } catch (Throwable e) {
                throw new IllegalArgumentException("unflatten: cannot rebuild record " + type.getName()
                        + " with its canonical constructor: " + e, e);
            }
        }
    }

    /** An array (e.g. {@code Tensor[]}), rebuilt with the same component type. */
    record ArrayNode(Class<?> componentType, List<TreeDef> children, int leafCount) implements TreeDef {
        @Override
        public Object build(List<?> leaves, int[] next) {
            Object[] built = new Object[children.size()];
            boolean fits = true;
            for (int i = 0; i < built.length; i++) {
                built[i] = children.get(i).build(leaves, next);
                fits &= built[i] == null || componentType.isInstance(built[i]);
            }
            if (!fits) { // leaves that are trees themselves (unflattenObjects)
                return built;
            }
            Object out = Array.newInstance(componentType, built.length);
            for (int i = 0; i < built.length; i++) {
                Array.set(out, i, built[i]);
            }
            return out;
        }
    }
}
