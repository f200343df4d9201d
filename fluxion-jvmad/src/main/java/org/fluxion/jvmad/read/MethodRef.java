package org.fluxion.jvmad.read;

import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A static method to read: where its class comes from, its owner, name and descriptor.
 *
 * @param loader the class loader that sees the owner's class file
 * @param owner  the class that declares the method
 * @param name   the method's name
 * @param desc   the method's descriptor
 */
public record MethodRef(ClassLoader loader, ClassDesc owner, String name, MethodTypeDesc desc) {
    /** For messages: {@code Examples.rosenbrock(double[])}. */
    public String origin() {
        return ownerName() + "." + name + "(" + Stream.of(desc.parameterArray()).map(ClassDesc::displayName)
                .collect(Collectors.joining(", ")) + ")";
    }

    /** The binary name of the owner: {@code org.example.Examples$Inner}. */
    public String ownerName() {
        String d = owner.descriptorString();
        return d.substring(1, d.length() - 1).replace('/', '.');
    }

    @Override
    public String toString() {
        return origin();
    }
}
