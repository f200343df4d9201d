package org.fluxion.jvmad.emit;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.fluxion.jvmad.ir.Block;
import org.fluxion.jvmad.ir.Function;
import org.fluxion.jvmad.ir.Insn;

/**
 * Assembles one class from IR functions: every function reachable from the roots through calls
 * becomes a static method (all in this one class, so that they can call each other, recursion
 * included); each {@link Bridge} becomes an instance method implementing an interface, which calls
 * its function. Array constants travel as class data ({@code MethodHandles.classDataAt}).
 */
public final class ClassAssembler {
    /**
     * An interface method of the generated class that calls a static function with the same parameters.
     *
     * @param iface  the interface the class implements
     * @param method the interface method's name
     * @param target the function it calls; its descriptor is the interface method's
     */
    public record Bridge(ClassDesc iface, String method, Function target) {
    }

    /** The class file and the class data it expects. */
    public record Assembled(byte[] bytes, List<Object> classData, Map<Function, String> methodNames) {
    }

    private final ClassDesc thisClass;
    private final Map<Function, String> names = new LinkedHashMap<>();
    private final List<Object> classData = new ArrayList<>();
    private final Map<Object, Integer> dataIndex = new IdentityHashMap<>();

    /** @param thisClass the name of the class (a hidden class gets a suffix when defined) */
    public ClassAssembler(ClassDesc thisClass) {
        this.thisClass = thisClass;
    }

    /** Assembles the functions reachable from {@code roots} and the bridges. */
    public Assembled assemble(List<Function> roots, List<Bridge> bridges) {
        List<Function> all = closure(roots, bridges);
        Set<String> used = new HashSet<>();
        for (Function f : all) {
            String base = f.name().replaceAll("[^A-Za-z0-9_$]", "_");
            String name = base;
            for (int k = 2; !used.add(name); k++) {
                name = base + "$" + k;
            }
            names.put(f, name);
        }
        ClassHierarchyResolver resolver = ClassHierarchyResolver.defaultResolver()
                .orElse(ClassHierarchyResolver.ofClassLoading(ClassAssembler.class.getClassLoader()));
        byte[] bytes = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(resolver)).build(thisClass, clb -> {
            clb.withFlags(ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL | ClassFile.ACC_SUPER);
            clb.withInterfaceSymbols(bridges.stream().map(Bridge::iface).distinct().toList());
            clb.withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC, cb -> {
                cb.aload(0);
                cb.invokespecial(ConstantDescs.CD_Object, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void);
                cb.return_();
            });
            for (Function f : all) {
                clb.withMethodBody(names.get(f), f.descriptor(), ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC,
                        cb -> new MethodEmitter(f, this).emit(cb));
            }
            for (Bridge b : bridges) {
                MethodTypeDesc desc = b.target().descriptor();
                clb.withMethodBody(b.method(), desc, ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL, cb -> {
                    int slot = 1;
                    for (int i = 0; i < desc.parameterCount(); i++) {
                        TypeKind k = TypeKind.from(desc.parameterType(i));
                        cb.loadLocal(k, slot);
                        slot += k.slotSize();
                    }
                    cb.invokestatic(thisClass, names.get(b.target()), desc);
                    cb.return_(TypeKind.from(desc.returnType()));
                });
            }
        });
        return new Assembled(bytes, List.copyOf(classData), Map.copyOf(names));
    }

    private static List<Function> closure(List<Function> roots, List<Bridge> bridges) {
        Set<Function> seen = new java.util.LinkedHashSet<>();
        Deque<Function> work = new ArrayDeque<>(roots);
        bridges.forEach(b -> work.add(b.target()));
        while (!work.isEmpty()) {
            Function f = work.poll();
            if (seen.add(f)) {
                for (Block b : f.blocks()) {
                    for (Insn i : b.insns()) {
                        if (i instanceof Insn.Call c) {
                            work.add(c.callee());
                        }
                    }
                }
            }
        }
        return new ArrayList<>(seen);
    }

    ClassDesc thisClass() {
        return thisClass;
    }

    String methodName(Function f) {
        String n = names.get(f);
        if (n == null) {
            throw new IllegalStateException("no method for " + f);
        }
        return n;
    }

    /** The class-data index of an array constant (one entry per distinct array object). */
    int classData(Object array) {
        return dataIndex.computeIfAbsent(array, a -> {
            classData.add(a);
            return classData.size() - 1;
        });
    }
}
