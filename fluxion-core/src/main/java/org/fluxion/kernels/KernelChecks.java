package org.fluxion.kernels;

/** Argument checks shared by the raw-array kernels, so that a bad call fails with a clear message. */
final class KernelChecks {
    private KernelChecks() {
    }

    /** Throws unless {@code array[offset .. offset+size)} lies within an array of {@code length}. */
    static void range(String op, String name, int length, int offset, int size) {
        if (offset < 0 || size < 0 || offset > length - size) {
            throw new IllegalArgumentException(op + ": " + name + " needs " + size + " elements from offset "
                    + offset + ", but its array has length " + length);
        }
    }
}
