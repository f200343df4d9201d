package org.fluxion.jvmad.read;

import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.fluxion.jvmad.ir.Insn;
import org.fluxion.jvmad.ir.MathFn;
import org.fluxion.jvmad.ir.Operand;
import org.fluxion.jvmad.ir.Type;
import org.fluxion.jvmad.ir.Var;
import org.fluxion.jvmad.runtime.Errors;
import org.fluxion.jvmad.runtime.Models;

/**
 * What a call becomes: a {@link MathFn} for the functions of {@code Math} with derivative rules; a call
 * of a {@link Models model} for the JDK's array methods ({@code System.arraycopy}, {@code Arrays.fill},
 * {@code clone()}...); the JDK method itself when no real value flows through it
 * ({@code Math.floorMod}, {@code Double.isNaN}, {@code Arrays.fill} of an {@code int[]}); a call of
 * the user's static method, read and transformed with its caller. Anything else is refused.
 */
final class InvokeResolver {
    /** A call that cannot be differentiated; the message says why. */
    static final class Unsupported extends Exception {
        private static final long serialVersionUID = 1L;

        Unsupported(String message) {
            super(message);
        }
    }

    /** JDK classes whose static methods may be called as they are when no real value flows through them. */
    private static final Set<String> PURE_OWNERS = Set.of("java.lang.Math", "java.lang.StrictMath",
            "java.lang.Double", "java.lang.Float", "java.lang.Integer", "java.lang.Long", "java.util.Arrays",
            "java.lang.System", Errors.class.getName());
    private static final ClassDesc MODELS = ClassDesc.of(Models.class.getName());

    private final Program program;
    private final MethodRef caller;

    InvokeResolver(Program program, MethodRef caller) {
        this.program = program;
        this.caller = caller;
    }

    Insn resolve(InvokeInstruction ins, List<Operand> args, Function<Type, Var> temp) throws Unsupported {
        ClassDesc owner = ins.owner().asSymbol();
        String name = ins.name().stringValue();
        MethodTypeDesc desc = ins.typeSymbol();
        String ownerName = owner.isArray() ? owner.displayName() : binaryName(owner);
        if (ins.opcode() != Opcode.INVOKESTATIC) {
            if (ins.opcode() == Opcode.INVOKEVIRTUAL && owner.isArray() && name.equals("clone")
                    && BlockTranslator.isArrayOfPrimitives(owner)) {
                MethodTypeDesc model = MethodTypeDesc.of(owner, owner);
                if (hasModel("clone", model)) {
                    Var dst = temp.apply(Type.ref(owner));
                    return new Insn.Call(program.function(modelRef("clone", model)), dst, args);
                }
            }
            String kind = switch (ins.opcode()) {
                case INVOKEINTERFACE -> "the interface method ";
                case INVOKESPECIAL -> "the constructor or private instance method ";
                default -> "the virtual method ";
            };
            throw new Unsupported("calls " + kind + ownerName + "." + name + desc.displayDescriptor()
                    + "; only static methods (and Math, arraycopy, Arrays.fill/copyOf/sort, clone of arrays) "
                    + "are supported");
        }
        Var dst = desc.returnType().equals(ConstantDescs.CD_void) ? null : temp.apply(Type.of(desc.returnType()));
        if (ownerName.equals("java.lang.Math") || ownerName.equals("java.lang.StrictMath")) {
            MathFn fn = MathFn.lookup(name, desc);
            if (fn != null) {
                return new Insn.MathCall(fn, dst, args, ownerName.equals("java.lang.StrictMath"));
            }
        }
        if (ownerName.equals("java.lang.Double") && dst != null && dst.type().isReal()) {
            MathFn fn = switch (name) {
                case "max" -> MathFn.MAX;
                case "min" -> MathFn.MIN;
                default -> null;
            };
            if (fn != null) {
                return new Insn.MathCall(fn, dst, args);
            }
            if (name.equals("sum")) {
                return new Insn.Binary(Insn.BinaryOp.ADD, dst, args.get(0), args.get(1));
            }
        }
        if (PURE_OWNERS.contains(ownerName)) {
            MethodTypeDesc specialized = specialize(desc, args);
            if (!ownerName.equals("java.lang.Math") && !ownerName.equals("java.lang.StrictMath")
                    && hasModel(name, specialized)) {
                return new Insn.Call(program.function(modelRef(name, specialized)), dst, args);
            }
            boolean realFlows = dst != null && dst.type().isActive();
            for (Operand a : args) {
                realFlows |= a.type().isRealArray();
            }
            if (!realFlows) {
                return new Insn.Invoke(owner, name, desc, dst, args);
            }
            throw new Unsupported("calls " + ownerName + "." + name + desc.displayDescriptor()
                    + ", which has no derivative rule");
        }
        if (isLibrary(ownerName)) {
            throw new Unsupported("calls the library method " + ownerName + "." + name + desc.displayDescriptor()
                    + ", which has no derivative rule");
        }
        return new Insn.Call(program.function(new MethodRef(caller.loader(), owner, name, desc)), dst, args);
    }

    /** The descriptor with each {@code Object} parameter replaced by its argument's array type. */
    private static MethodTypeDesc specialize(MethodTypeDesc desc, List<Operand> args) {
        MethodTypeDesc d = desc;
        for (int i = 0; i < desc.parameterCount(); i++) {
            if (desc.parameterType(i).equals(ConstantDescs.CD_Object) && args.get(i).type().isArray()) {
                d = d.changeParameterType(i, args.get(i).type().desc());
            }
        }
        return d;
    }

    private static boolean hasModel(String name, MethodTypeDesc desc) {
        for (Method m : Models.class.getMethods()) {
            if (m.getName().equals(name) && Modifier.isStatic(m.getModifiers())
                    && MethodTypeDesc.of(m.getReturnType().describeConstable().orElseThrow(),
                    java.util.Arrays.stream(m.getParameterTypes()).map(c -> c.describeConstable().orElseThrow())
                            .toArray(ClassDesc[]::new)).equals(desc)) {
                return true;
            }
        }
        return false;
    }

    private static MethodRef modelRef(String name, MethodTypeDesc desc) {
        return new MethodRef(Models.class.getClassLoader(), MODELS, name, desc);
    }

    private static boolean isLibrary(String ownerName) {
        return ownerName.startsWith("java.") || ownerName.startsWith("javax.") || ownerName.startsWith("jdk.")
                || ownerName.startsWith("sun.") || ownerName.startsWith("com.sun.");
    }

    static String binaryName(ClassDesc owner) {
        String d = owner.descriptorString();
        return d.substring(1, d.length() - 1).replace('/', '.');
    }
}
