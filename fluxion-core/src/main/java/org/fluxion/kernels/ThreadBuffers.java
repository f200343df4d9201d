package org.fluxion.kernels;

/**
 * A kernel's per-thread float scratch arrays, one per slot, grown on demand and kept: training repeats its
 * shapes, so after the first step no call allocates. Each kernel owns its instance, so a kernel that calls
 * another never has its arrays taken.
 */
final class ThreadBuffers {
    private final String what;
    private final ThreadLocal<float[][]> buffers;

    /** {@code what} names the arrays in the error for a size past an array's limit ("conv2d: im2col buffer"). */
    ThreadBuffers(String what, int slots) {
        this.what = what;
        this.buffers = ThreadLocal.withInitial(() -> new float[slots][0]);
    }

    /** This thread's array of slot {@code slot}, at least {@code size} long (its contents are left over). */
    float[] get(int slot, long size) {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(what + " of " + size + " floats is too large");
        }
        float[][] bufs = buffers.get();
        if (bufs[slot].length < size) {
            bufs[slot] = new float[(int) size];
        }
        return bufs[slot];
    }
}
