package org.fluxion.jvmad.read;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.util.HashMap;
import java.util.Map;
import org.fluxion.jvmad.ir.NotDifferentiableException;

/** Finds and parses class files through the class loader that defines them, once per class. */
final class ClassFiles {
    private final Map<String, ClassModel> parsed = new HashMap<>();

    /** The model of {@code ref}'s method, or an error naming the method when its class file or the method is missing. */
    MethodModel method(MethodRef ref) {
        ClassModel model = classModel(ref);
        for (MethodModel m : model.methods()) {
            if (m.methodName().equalsString(ref.name()) && m.methodTypeSymbol().equals(ref.desc())) {
                return m;
            }
        }
        throw new NotDifferentiableException(ref.origin(), -1, -1,
                "no such method in the class file of " + ref.ownerName()
                        + " (an inherited static method? call it on the class that declares it)");
    }

    private ClassModel classModel(MethodRef ref) {
        String key = System.identityHashCode(ref.loader()) + "/" + ref.ownerName();
        ClassModel model = parsed.get(key);
        if (model == null) {
            String resource = ref.ownerName().replace('.', '/') + ".class";
            ClassLoader loader = ref.loader() != null ? ref.loader() : ClassLoader.getSystemClassLoader();
            try (InputStream in = loader.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new NotDifferentiableException(ref.origin(), -1, -1, "the class file " + resource
                            + " is not readable from " + loader + " (a hidden or generated class has no class file)");
                }
                model = ClassFile.of().parse(in.readAllBytes());
            } catch (IOException e) {
                throw new NotDifferentiableException(ref.origin(), -1, -1, "cannot read " + resource + ": " + e);
            }
            parsed.put(key, model);
        }
        return model;
    }
}
