package org.fluxion.jvmad.read;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.fluxion.jvmad.ir.Type;

/**
 * The types of a method's locals and operand stack at a point of its code, as the verifier sees
 * them; {@code null} marks an unusable local (never written, the second half of a long or double, or
 * written with different types on paths that meet).
 */
final class Frame {
    final Type[] locals;
    final List<Type> stack;

    Frame(Type[] locals, List<Type> stack) {
        this.locals = locals;
        this.stack = stack;
    }

    Frame copy() {
        return new Frame(locals.clone(), new ArrayList<>(stack));
    }

    /** Records that {@code slot} now holds a value of type {@code t} (a long or double takes two slots). */
    void set(int slot, Type t) {
        if (slot > 0 && locals[slot - 1] != null && locals[slot - 1].slots() == 2) {
            locals[slot - 1] = null;
        }
        locals[slot] = t;
        if (t.slots() == 2) {
            locals[slot + 1] = null;
        }
    }

    /**
     * Merges {@code other} (the frame on another path into the same block) into this one.
     *
     * @return whether this frame changed
     * @throws IllegalStateException when the operand stacks differ in height or type
     */
    boolean mergeFrom(Frame other) {
        if (other.stack.size() != stack.size()) {
            throw new IllegalStateException("operand stack heights " + stack.size() + " and " + other.stack.size()
                    + " meet");
        }
        boolean changed = false;
        for (int i = 0; i < stack.size(); i++) {
            Type m = merge(stack.get(i), other.stack.get(i));
            if (m == null) {
                throw new IllegalStateException("operand stack types " + stack + " and " + other.stack + " meet");
            }
            if (!m.equals(stack.get(i))) {
                stack.set(i, m);
                changed = true;
            }
        }
        for (int i = 0; i < locals.length; i++) {
            Type m = locals[i] == null || other.locals[i] == null ? null : merge(locals[i], other.locals[i]);
            if (!Objects.equals(m, locals[i])) {
                locals[i] = m;
                changed = true;
            }
        }
        return changed;
    }

    /** The type of a value that is either an {@code a} or a {@code b}: null meets any reference. */
    static Type merge(Type a, Type b) {
        if (a.equals(b)) {
            return a;
        }
        if (a.equals(Type.NULL) && b.isRef()) {
            return b;
        }
        if (b.equals(Type.NULL) && a.isRef()) {
            return a;
        }
        return null;
    }

    @Override
    public String toString() {
        return "locals " + Arrays.toString(locals) + " stack " + stack;
    }
}
