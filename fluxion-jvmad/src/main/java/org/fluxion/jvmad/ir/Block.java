package org.fluxion.jvmad.ir;

import java.util.ArrayList;
import java.util.List;

/** A basic block: straight-line instructions, then one {@link Terminator}. */
public final class Block {
    private final int id;
    private final List<Insn> insns = new ArrayList<>();
    private Terminator terminator;

    Block(int id) {
        this.id = id;
    }

    /** A number unique within the function. */
    public int id() {
        return id;
    }

    /** The instructions, mutable. */
    public List<Insn> insns() {
        return insns;
    }

    /** How the block ends; null while it is being built. */
    public Terminator terminator() {
        return terminator;
    }

    public void setTerminator(Terminator terminator) {
        this.terminator = terminator;
    }

    /** Appends an instruction. */
    public void add(Insn insn) {
        insns.add(insn);
    }

    @Override
    public String toString() {
        return "b" + id;
    }
}
