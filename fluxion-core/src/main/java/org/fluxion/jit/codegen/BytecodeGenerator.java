package org.fluxion.jit.codegen;

import static java.lang.constant.ConstantDescs.CD_MethodHandle;
import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_boolean;
import static java.lang.constant.ConstantDescs.CD_double;
import static java.lang.constant.ConstantDescs.CD_float;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_void;
import static java.lang.constant.ConstantDescs.INIT_NAME;
import static java.lang.constant.ConstantDescs.MTD_void;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.DirectMethodHandleDesc;
import java.lang.constant.MethodHandleDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.fluxion.jit.codegen.ElementwiseProgram.Access;
import org.fluxion.jit.codegen.ElementwiseProgram.Instr;
import org.fluxion.jit.codegen.ElementwiseProgram.Kind;
import org.fluxion.jit.codegen.ElementwiseProgram.Reduction;
import org.fluxion.ops.BinaryOp;
import org.fluxion.ops.UnaryOp;
import org.fluxion.tensor.DType;

/**
 * Generates, with {@code java.lang.classfile}, a hidden class implementing {@link TileKernel} for one
 * program: a single method whose loop over a tile's rows holds one vector loop, a straight line of
 * {@code invokestatic} calls of {@link VectorOps} and its element type's binding, {@link VF} (float32) or
 * {@link VD} (float64), one per live instruction, with every value in a local (typed {@code Vector} or
 * {@code VectorMask}: the helpers of both element types share one descriptor shape); the row's last, partial
 * vector runs the same line with its loads and store under a mask. C2 inlines the helpers, so the values stay in registers: the line is emitted once (C2 stops inlining
 * past a node count, which two copies of a chain of exp/tanh/sigmoid reached), and calls after a large float32
 * function go through constant method handles, which C2 inlines later rather than refuse (see {@code call}).
 *
 * <p>Shape of the generated {@code run} (float32, L lanes):
 * <pre>
 * arrays, offsets, SCALAR inputs and constants: loaded / broadcast once
 * acc = identity                                  (full reduction)
 * for (o = o0; o &lt; o1; o++) {
 *     rowOff[j] = off[j] + o * inner (FULL); v = broadcast(in[j][off[j] + o]) (COLUMN)
 *     acc = identity                              (per-row reduction)
 *     m = null
 *     for (i = i0; i &lt; i1; i += L) {
 *         if (i &gt; i1 - L) m = indexInRange(i, i1)
 *         body                                    loads fromArray(.., rowOff + i), under m if set
 *     }
 *     acc[accOff + o - o0] = reduceLanes(acc)     (per-row reduction)
 * }
 * acc[accOff] = reduceLanes(acc)                  (full reduction)
 * </pre>
 */
final class BytecodeGenerator {
    private static final ClassDesc CD_MASK = ClassDesc.of("jdk.incubator.vector.VectorMask");
    private static final ClassDesc CD_VECTOR = ClassDesc.of("jdk.incubator.vector.Vector");
    private static final ClassDesc CD_OPS = ClassDesc.of(VectorOps.class.getName());
    private static final ClassDesc CD_TILE = ClassDesc.of(TileKernel.class.getName());
    private static final MethodTypeDesc MTD_RUN = MethodTypeDesc.of(CD_void, CD_Object.arrayType(), CD_int.arrayType(),
            CD_Object, CD_int, CD_int, CD_int, CD_int, CD_int, CD_int, CD_double.arrayType(), CD_int);
    // Parameter slots of run (slot 0 is this).
    private static final int INS = 1, OFFS = 2, OUT = 3, OUT_OFF = 4, INNER = 5, O0 = 6, O1 = 7, I0 = 8, I1 = 9,
            ACC = 10, ACC_OFF = 11;

    /** The float32 functions whose vector forms are large ({@link org.fluxion.kernels.VectorMath}). */
    private static final EnumSet<UnaryOp> LARGE = EnumSet.of(UnaryOp.EXP, UnaryOp.LOG, UnaryOp.TANH,
            UnaryOp.SIGMOID, UnaryOp.SIN, UnaryOp.COS);

    private final ElementwiseProgram p;
    private final boolean f32;
    /** The element type's binding class ({@link VF} or {@link VD}), and the names it declares. */
    private final ClassDesc binding;
    private final Set<String> bound;
    private final ClassDesc vec = CD_VECTOR;
    private final ClassDesc elem;
    private final int lanes;
    private final List<Instr> code;
    private final boolean[] live;

    // Local slots, assigned while generating.
    private int[] arr;      // per input: its array
    private int[] off;      // per input: its offset
    private int[] rowOff;   // per FULL input: offset of the current row
    private int[] value;    // per instruction: the local holding its value
    private int outArr, outRow, o, i, tailMask, accVec;
    /** While emitting the body: a {@link #LARGE} function has been emitted, so calls go through handles. */
    private boolean pastLarge;

    private static final Set<String> F32_NAMES = requireVectorForms(VF.class);
    private static final Set<String> F64_NAMES = requireVectorForms(VD.class);
    private static final Set<String> OPS_NAMES = staticNames(VectorOps.class, -1);

    /** The binding's method that applies a unary operation without a vector form of its own, lane by lane. */
    private static final String BY_LANE = "byLane";

    /**
     * The startup check that every elementwise operation has its vector form in {@link VectorOps} or in
     * {@code binding}: a static method named after the constant in lower case, of one operand for a
     * {@link UnaryOp} and two for a {@link BinaryOp} (a unary operation of values may have none: it then runs lane
     * by lane through its scalar formula, {@code byLane(v, op)}, which the binding must have); and that no name is
     * declared in both (a call goes to the binding by name alone). Generated code calls them by name, so a missing
     * one would otherwise surface only when a program first uses the operation. Returns the names {@code binding}
     * declares.
     */
    static Set<String> requireVectorForms(Class<?> binding) {
        Set<String> bound = staticNames(binding, -1);
        List<String> missing = new java.util.ArrayList<>();
        for (UnaryOp op : UnaryOp.values()) {
            // An operation of values without a form runs lane by lane (byLane); a predicate's mask needs one.
            if (op.isPredicate() && !staticNames(binding, 1).contains(name(op))
                    && !staticNames(VectorOps.class, 1).contains(name(op))) {
                missing.add(name(op) + "(v)");
            }
        }
        if (!staticNames(binding, 2).contains(BY_LANE)) {
            missing.add(BY_LANE + "(v, op)");
        }
        for (BinaryOp op : BinaryOp.values()) {
            if (!staticNames(binding, 2).contains(name(op)) && !staticNames(VectorOps.class, 2).contains(name(op))) {
                missing.add(name(op) + "(a, b)");
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException(binding.getSimpleName() + " lacks the vector form of " + missing
                    + ": every UnaryOp and BinaryOp constant needs one, in it or in VectorOps, for generated kernels");
        }
        Set<String> both = new TreeSet<>(bound);
        both.retainAll(staticNames(VectorOps.class, -1));
        if (!both.isEmpty()) {
            throw new IllegalStateException(binding.getSimpleName() + " and VectorOps both declare " + both
                    + ": a generated call would not know which to take");
        }
        return bound;
    }

    /** Names of the static methods {@code c} declares with {@code arity} parameters (any arity when negative). */
    private static Set<String> staticNames(Class<?> c, int arity) {
        Set<String> names = new TreeSet<>();
        for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
            if (java.lang.reflect.Modifier.isStatic(m.getModifiers()) && !m.isSynthetic()
                    && (arity < 0 || m.getParameterCount() == arity)) {
                names.add(m.getName());
            }
        }
        return names;
    }

    private BytecodeGenerator(ElementwiseProgram p) {
        this.p = p;
        this.f32 = p.dtype() == DType.FLOAT32;
        this.binding = ClassDesc.of((f32 ? VF.class : VD.class).getName());
        this.bound = f32 ? F32_NAMES : F64_NAMES;
        this.elem = f32 ? CD_float : CD_double;
        this.lanes = f32 ? VF.L : VD.L;
        this.code = p.instructions();
        this.live = p.live();
    }

    /** The generated tile kernel of {@code p}, instantiated. */
    static TileKernel generate(ElementwiseProgram p) {
        byte[] bytes = new BytecodeGenerator(p).classBytes();
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup().defineHiddenClass(bytes, true);
            return (TileKernel) lookup.findConstructor(lookup.lookupClass(), MethodType.methodType(void.class)).invoke();
        } catch (Throwable e) {
            throw new IllegalStateException("fused kernel: could not define the generated class for\n" + p, e);
        }
    }

    byte[] classBytes() {
        ClassDesc self = ClassDesc.of(BytecodeGenerator.class.getPackageName() + ".GeneratedKernel");
        return ClassFile.of().build(self, cb -> {
            cb.withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SYNTHETIC);
            cb.withInterfaceSymbols(CD_TILE);
            cb.withMethodBody(INIT_NAME, MTD_void, ClassFile.ACC_PUBLIC,
                    c -> c.aload(0).invokespecial(CD_Object, INIT_NAME, MTD_void).return_());
            cb.withMethodBody("run", MTD_RUN, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL, this::run);
        });
    }

    private void run(CodeBuilder c) {
        int n = code.size();
        int inputs = p.inputCount();
        arr = new int[inputs];
        off = new int[inputs];
        rowOff = new int[inputs];
        value = new int[n];
        Reduction red = p.reduction();

        // Prologue: arrays, offsets, loop invariants.
        for (int k = 0; k < n; k++) {
            Instr x = code.get(k);
            if (!live[k]) {
                continue;
            }
            if (x.kind() == Kind.INPUT) {
                int j = x.inputIndex();
                boolean mask = x.inputType() == DType.BOOL;
                arr[j] = c.allocateLocal(TypeKind.REFERENCE);
                off[j] = c.allocateLocal(TypeKind.INT);
                c.aload(INS).loadConstant(j).aaload().checkcast((mask ? CD_boolean : elem).arrayType()).astore(arr[j]);
                c.aload(OFFS).loadConstant(j).iaload().istore(off[j]);
                value[k] = c.allocateLocal(TypeKind.REFERENCE);
                if (x.access() == Access.FULL) {
                    rowOff[j] = c.allocateLocal(TypeKind.INT);
                } else if (x.access() == Access.SCALAR) {
                    c.aload(arr[j]).iload(off[j]);
                    broadcastElement(c, mask);
                    c.astore(value[k]);
                }
            } else if (x.kind() == Kind.CONST) {
                value[k] = c.allocateLocal(TypeKind.REFERENCE);
                if (f32) {
                    c.loadConstant((float) x.constant());
                } else {
                    c.loadConstant(x.constant());
                }
                invoke(c, "broadcast", MethodTypeDesc.of(vec, elem)).astore(value[k]);
            } else {
                value[k] = c.allocateLocal(TypeKind.REFERENCE);
            }
        }
        boolean maskOut = p.resultIsMask();
        outArr = c.allocateLocal(TypeKind.REFERENCE);
        c.aload(OUT).checkcast((maskOut ? CD_boolean : elem).arrayType()).astore(outArr);
        outRow = c.allocateLocal(TypeKind.INT);
        o = c.allocateLocal(TypeKind.INT);
        i = c.allocateLocal(TypeKind.INT);
        tailMask = c.allocateLocal(TypeKind.REFERENCE);
        accVec = c.allocateLocal(TypeKind.REFERENCE);
        String identity = red.sum() ? "sumIdentity" : "maxIdentity";
        if (red.all()) {
            invoke(c, identity, MethodTypeDesc.of(vec)).astore(accVec);
        }

        // Row loop.
        Label rowHead = c.newLabel(), end = c.newLabel();
        c.iload(O0).istore(o);
        c.labelBinding(rowHead);
        c.iload(o).iload(O1).if_icmpge(end);
        for (int k = 0; k < n; k++) {
            Instr x = code.get(k);
            if (live[k] && x.kind() == Kind.INPUT) {
                int j = x.inputIndex();
                if (x.access() == Access.FULL) {
                    c.iload(off[j]).iload(o).iload(INNER).imul().iadd().istore(rowOff[j]);
                } else if (x.access() == Access.COLUMN) {
                    c.aload(arr[j]).iload(off[j]).iload(o).iadd();
                    broadcastElement(c, x.inputType() == DType.BOOL);
                    c.astore(value[k]);
                }
            }
        }
        if (red == Reduction.NONE) {
            c.iload(OUT_OFF).iload(o).iload(INNER).imul().iadd().istore(outRow);
        } else if (red.perRow()) {
            invoke(c, identity, MethodTypeDesc.of(vec)).astore(accVec);
        }

        // Vector loop; the last, partial vector of a row runs the same body with tailMask set (null before).
        Label vecHead = c.newLabel(), full = c.newLabel(), rowEnd = c.newLabel();
        c.iload(I0).istore(i);
        c.aconst_null().astore(tailMask);
        c.labelBinding(vecHead);
        c.iload(i).iload(I1).if_icmpge(rowEnd);
        c.iload(i).iload(I1).loadConstant(lanes).isub().if_icmple(full);
        c.iload(i).iload(I1);
        invoke(c, "tail", MethodTypeDesc.of(CD_MASK, CD_int, CD_int));
        c.astore(tailMask);
        c.labelBinding(full);
        body(c);
        c.iinc(i, lanes);
        c.goto_(vecHead);

        c.labelBinding(rowEnd);
        if (red.perRow()) {
            c.aload(ACC).iload(ACC_OFF).iload(o).iload(O0).isub().iadd();
            c.aload(accVec);
            invoke(c, red.sum() ? "sumLanes" : "maxLanes", MethodTypeDesc.of(CD_double, vec));
            c.dastore();
        }
        c.iinc(o, 1);
        c.goto_(rowHead);

        c.labelBinding(end);
        if (red.all()) {
            c.aload(ACC).iload(ACC_OFF);
            c.aload(accVec);
            invoke(c, red.sum() ? "sumLanes" : "maxLanes", MethodTypeDesc.of(CD_double, vec));
            c.dastore();
        }
        c.return_();
    }

    /** Stack: array, index → the element broadcast to a vector (or a mask of all lanes). */
    private void broadcastElement(CodeBuilder c, boolean mask) {
        if (mask) {
            c.baload();
            invoke(c, "broadcast", MethodTypeDesc.of(CD_MASK, CD_boolean));
        } else {
            if (f32) {
                c.faload();
            } else {
                c.daload();
            }
            invoke(c, "broadcast", MethodTypeDesc.of(vec, elem));
        }
    }

    /**
     * One vector of the program at column {@code i}: loads and the store or fold under the tail mask when it is
     * set, the operations once. Emitting them once (not again for the tail) halves what C2 parses: past its
     * NodeCountInliningCutoff it stops inlining the helpers, and a chain of transcendental functions reaches it.
     */
    private void body(CodeBuilder c) {
        pastLarge = false;
        for (int k = 0; k < code.size(); k++) {
            if (!live[k]) {
                continue;
            }
            Instr x = code.get(k);
            int[] a = x.args();
            switch (x.kind()) {
                case INPUT -> {
                    int j = x.inputIndex();
                    if (x.access() == Access.FULL || x.access() == Access.ROW) {
                        boolean mask = x.inputType() == DType.BOOL;
                        c.aload(arr[j]).iload(x.access() == Access.FULL ? rowOff[j] : off[j]).iload(i).iadd();
                        ClassDesc arrayType = (mask ? CD_boolean : elem).arrayType();
                        ClassDesc result = mask ? CD_MASK : vec;
                        ifTail(c, () -> invoke(c.aload(tailMask), "load", MethodTypeDesc.of(result, arrayType, CD_int, CD_MASK)),
                                () -> invoke(c, "load", MethodTypeDesc.of(result, arrayType, CD_int)));
                        c.astore(value[k]);
                    }
                }
                case CONST -> {
                }
                case UNARY -> {
                    UnaryOp op = (UnaryOp) x.op();
                    MethodTypeDesc t = MethodTypeDesc.of(x.mask() ? CD_MASK : vec, type(a[0]));
                    c.aload(value[a[0]]);
                    pastLarge |= f32 && LARGE.contains(op);
                    if (bound.contains(name(op)) || OPS_NAMES.contains(name(op))) {
                        call(c, name(op), t);
                    } else {
                        c.ldc(op.ordinal());
                        call(c, BY_LANE, MethodTypeDesc.of(vec, type(a[0]), CD_int));
                    }
                    c.astore(value[k]);
                }
                case BINARY -> {
                    BinaryOp op = (BinaryOp) x.op();
                    boolean logical = op == BinaryOp.LOGICAL_AND || op == BinaryOp.LOGICAL_OR;
                    for (int arg : a) {
                        c.aload(value[arg]);
                        if (logical && !code.get(arg).mask()) {
                            call(c, "nonzero", MethodTypeDesc.of(CD_MASK, vec));
                        }
                    }
                    ClassDesc operand = logical ? CD_MASK : vec;
                    call(c, name(op), MethodTypeDesc.of(x.mask() ? CD_MASK : vec, operand, operand));
                    c.astore(value[k]);
                }
                case WHERE -> {
                    c.aload(value[a[0]]).aload(value[a[1]]).aload(value[a[2]]);
                    call(c, "where", MethodTypeDesc.of(vec, CD_MASK, vec, vec));
                    c.astore(value[k]);
                }
                case TO_FLOAT -> {
                    c.aload(value[a[0]]);
                    call(c, "tofloat", MethodTypeDesc.of(vec, CD_MASK));
                    c.astore(value[k]);
                }
            }
        }
        int r = p.result();
        Reduction red = p.reduction();
        if (red == Reduction.NONE) {
            boolean mask = code.get(r).mask();
            ClassDesc v = mask ? CD_MASK : vec;
            ClassDesc arrayType = (mask ? CD_boolean : elem).arrayType();
            c.aload(value[r]).aload(outArr).iload(outRow).iload(i).iadd();
            ifTail(c, () -> invoke(c.aload(tailMask), "store", MethodTypeDesc.of(CD_void, v, arrayType, CD_int, CD_MASK)),
                    () -> call(c, "store", MethodTypeDesc.of(CD_void, v, arrayType, CD_int)));
        } else {
            String fold = red.sum() ? "sum" : "max";
            c.aload(accVec).aload(value[r]);
            ifTail(c, () -> invoke(c.aload(tailMask), fold, MethodTypeDesc.of(vec, vec, vec, CD_MASK)),
                    () -> call(c, fold, MethodTypeDesc.of(vec, vec, vec)));
            c.astore(accVec);
        }
    }

    /**
     * Calls the helper {@code name} with the arguments on the stack: {@code invokestatic}, or, from the first
     * large float32 function of the body on ({@link #LARGE}), through a constant method handle. C2 refuses a
     * plain call it meets past its NodeCountInliningCutoff (18000 IR nodes parsed; a chain of two of those
     * functions reaches it) and then boxes every vector; a call from a method handle's lambda form it delays
     * instead and inlines later against its larger live-node limit.
     */
    private void call(CodeBuilder c, String name, MethodTypeDesc t) {
        if (!pastLarge) {
            invoke(c, name, t);
            return;
        }
        int[] slots = new int[t.parameterCount()];
        for (int k = slots.length - 1; k >= 0; k--) {
            slots[k] = c.allocateLocal(TypeKind.from(t.parameterType(k)));
            c.storeLocal(TypeKind.from(t.parameterType(k)), slots[k]);
        }
        c.ldc(MethodHandleDesc.ofMethod(DirectMethodHandleDesc.Kind.STATIC, owner(name), name, t));
        for (int k = 0; k < slots.length; k++) {
            c.loadLocal(TypeKind.from(t.parameterType(k)), slots[k]);
        }
        c.invokevirtual(CD_MethodHandle, "invokeExact", t);
    }

    /** {@code invokestatic} of the helper {@code name}, with the arguments on the stack. */
    private CodeBuilder invoke(CodeBuilder c, String name, MethodTypeDesc t) {
        return c.invokestatic(owner(name), name, t);
    }

    /** The class declaring the helper {@code name}: the element type's binding, else {@link VectorOps}. */
    private ClassDesc owner(String name) {
        return bound.contains(name) ? binding : CD_OPS;
    }

    /** Emits {@code masked} when tailMask is set, else {@code whole}; both leave the same stack. */
    private void ifTail(CodeBuilder c, Runnable masked, Runnable whole) {
        Label tail = c.newLabel(), done = c.newLabel();
        c.aload(tailMask).ifnonnull(tail);
        whole.run();
        c.goto_(done);
        c.labelBinding(tail);
        masked.run();
        c.labelBinding(done);
    }

    private ClassDesc type(int id) {
        return code.get(id).mask() ? CD_MASK : vec;
    }

    private static String name(Enum<?> op) {
        return op.name().toLowerCase(Locale.ROOT);
    }
}
