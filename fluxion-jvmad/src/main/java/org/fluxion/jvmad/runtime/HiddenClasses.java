package org.fluxion.jvmad.runtime;

import java.lang.constant.ClassDesc;
import java.lang.invoke.MethodHandles;
import java.util.List;

/**
 * Defines generated derivative classes as hidden classes of this package (so that they can be
 * unloaded with the objects that use them, and see this package's runtime classes).
 */
public final class HiddenClasses {
    private HiddenClasses() {
    }

    /** The name generated classes are assembled under; the JVM adds a unique suffix. */
    public static final ClassDesc NAME = ClassDesc.of(HiddenClasses.class.getPackageName() + ".Derivative");

    /** Defines and initializes the class; {@code classData} is what its constants load. */
    public static MethodHandles.Lookup define(byte[] bytes, List<Object> classData) {
        try {
            return MethodHandles.lookup().defineHiddenClassWithClassData(bytes, classData, true);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot define a generated class", e);
        }
    }
}
