package org.fluxion.jvmad.ir;

import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.List;

/**
 * A static method in the IR: parameters, a return type, blocks (the first is the entry). Read from
 * a method's bytecode, or made by a transform (a tangent method, an augmented forward or reverse
 * method, an entry point). Every method made by a transform takes the {@link #tape() tape} as its
 * last parameter.
 */
public final class Function {
    private final String name;
    private final String origin;
    private final List<Var> params = new ArrayList<>();
    private final Type returnType;
    private final List<Block> blocks = new ArrayList<>();
    private Var tape;
    private int nextVar;
    private int nextBlock;

    /**
     * @param name       a name for the generated method (made unique by the class that holds it)
     * @param origin     what the function is, for messages: {@code Examples.rosenbrock(double[])}
     * @param returnType the return type, null for void
     */
    public Function(String name, String origin, Type returnType) {
        this.name = name;
        this.origin = origin;
        this.returnType = returnType;
    }

    public String name() {
        return name;
    }

    public String origin() {
        return origin;
    }

    public List<Var> params() {
        return params;
    }

    /** The return type, null for void. */
    public Type returnType() {
        return returnType;
    }

    public List<Block> blocks() {
        return blocks;
    }

    public Block entry() {
        return blocks.getFirst();
    }

    /** The tape parameter, or null for a method read from bytecode. */
    public Var tape() {
        return tape;
    }

    /** A new variable owned by this function. */
    public Var newVar(Type type, String name) {
        return new Var(nextVar++, type, name);
    }

    /** Adds a parameter (in order). */
    public Var addParam(Type type, String name) {
        Var v = newVar(type, name);
        params.add(v);
        return v;
    }

    /** Adds the tape parameter; it must be the last one. */
    public Var addTapeParam() {
        tape = addParam(Type.ref(TAPE), "tape");
        return tape;
    }

    /** A new, empty block appended to the function. */
    public Block newBlock() {
        Block b = new Block(nextBlock++);
        blocks.add(b);
        return b;
    }

    /** The descriptor of the generated static method. */
    public MethodTypeDesc descriptor() {
        return MethodTypeDesc.of(returnType == null ? ConstantDescs.CD_void : returnType.desc(),
                params.stream().map(p -> p.type().desc()).toArray(ClassDesc[]::new));
    }

    /** The runtime tape class that generated methods pass along. */
    public static final ClassDesc TAPE = ClassDesc.of("org.fluxion.jvmad.runtime.Tape");

    @Override
    public String toString() {
        return origin;
    }
}
