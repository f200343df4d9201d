package org.fluxion.autodiff;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;

/**
 * What {@link Tree} needs of a record class, looked up once per class: its components' names and types, their
 * accessors and its canonical constructor as method handles. Flattening and rebuilding a model or a training
 * state happens at every compiled step; asking reflection each time ({@code getRecordComponents} copies its
 * data on every call) cost more than a small model's kernels.
 */
record RecordShape(String[] names, Class<?>[] types, MethodHandle[] accessors, MethodHandle constructor) {
    private static final ClassValue<RecordShape> SHAPES = new ClassValue<>() {
        @Override
        protected RecordShape computeValue(Class<?> type) {
            return computeOf(type);
        }
    };

    /** The shape of record class {@code type}. */
    static RecordShape of(Class<?> type) {
        return SHAPES.get(type);
    }

    private static RecordShape computeOf(Class<?> type) {
        RecordComponent[] comps = type.getRecordComponents();
        String[] names = new String[comps.length];
        Class<?>[] types = new Class<?>[comps.length];
        MethodHandle[] accessors = new MethodHandle[comps.length];
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        for (int i = 0; i < comps.length; i++) {
            names[i] = comps[i].getName();
            types[i] = comps[i].getType();
            try {
                var accessor = comps[i].getAccessor();
                accessor.setAccessible(true);
                accessors[i] = lookup.unreflect(accessor).asType(MethodType.methodType(Object.class, Object.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                accessors[i] = null; // reported, with the component, when the record is flattened
            }
        }
        MethodHandle constructor;
        try {
            Constructor<?> c = type.getDeclaredConstructor(types);
            c.setAccessible(true);
            constructor = lookup.unreflectConstructor(c).asSpreader(Object[].class, types.length)
                    .asType(MethodType.methodType(Object.class, Object[].class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            constructor = null; // reported when the record is rebuilt
        }
        return new RecordShape(names, types, accessors, constructor);
    }
}
