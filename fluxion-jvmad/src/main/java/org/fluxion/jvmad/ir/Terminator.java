package org.fluxion.jvmad.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** How a block ends: a jump, a two-way branch, a switch or a return. */
public sealed interface Terminator {
    /** The blocks control may go to next, in order (a block may appear twice). */
    List<Block> successors();

    /** The operands read. */
    List<Operand> operands();

    /** The same terminator with each successor replaced by {@code f(successor)}. */
    Terminator retarget(UnaryOperator<Block> f);

    /** {@code goto target}. */
    record Goto(Block target) implements Terminator {
        public List<Block> successors() {
            return List.of(target);
        }

        public List<Operand> operands() {
            return List.of();
        }

        public Terminator retarget(UnaryOperator<Block> f) {
            return new Goto(f.apply(target));
        }
    }

    /** {@code if (a cond b) goto then else goto otherwise}, on ints or references. */
    record If(Cond cond, Operand a, Operand b, Block then, Block otherwise) implements Terminator {
        public List<Block> successors() {
            return List.of(then, otherwise);
        }

        public List<Operand> operands() {
            return List.of(a, b);
        }

        public Terminator retarget(UnaryOperator<Block> f) {
            return new If(cond, a, b, f.apply(then), f.apply(otherwise));
        }
    }

    /** {@code switch (key)}: to {@code targets[i]} when {@code key == keys[i]}, else to {@code otherwise}. */
    record Switch(Operand key, int[] keys, List<Block> targets, Block otherwise) implements Terminator {
        public List<Block> successors() {
            List<Block> all = new ArrayList<>(targets);
            all.add(otherwise);
            return all;
        }

        public List<Operand> operands() {
            return List.of(key);
        }

        public Terminator retarget(UnaryOperator<Block> f) {
            return new Switch(key, keys, targets.stream().map(f).toList(), f.apply(otherwise));
        }
    }

    /** {@code return value} ({@code value} null for void). */
    record Return(Operand value) implements Terminator {
        public List<Block> successors() {
            return List.of();
        }

        public List<Operand> operands() {
            return value == null ? List.of() : List.of(value);
        }

        public Terminator retarget(UnaryOperator<Block> f) {
            return this;
        }
    }

    /** Comparisons of a two-way branch. */
    enum Cond {
        EQ, NE, LT, GE, GT, LE;

        /** The comparison that holds exactly when this one does not. */
        public Cond negate() {
            return switch (this) {
                case EQ -> NE;
                case NE -> EQ;
                case LT -> GE;
                case GE -> LT;
                case GT -> LE;
                case LE -> GT;
            };
        }
    }
}
