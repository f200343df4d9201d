package org.fluxion.jvmad.runtime;

/**
 * The exceptions that {@link Models} throw for invalid arguments, with the JDK's types. Generated
 * code calls these methods as they are (they take only ints, so no derivative flows through them);
 * they never return normally.
 *
 * <p>Public because generated classes call it; not an API.
 */
public final class Errors {
    private Errors() {
    }

    /** {@code System.arraycopy} out of bounds. */
    public static void arraycopyOutOfBounds(int srcPos, int srcLength, int dstPos, int dstLength, int length) {
        throw new ArrayIndexOutOfBoundsException("arraycopy: source [" + srcPos + ", " + (srcPos + length)
                + ") of an array of length " + srcLength + ", destination [" + dstPos + ", " + (dstPos + length)
                + ") of an array of length " + dstLength);
    }

    /** A range {@code [from, to)} that is reversed or outside {@code [0, length]}. */
    public static void badRange(int from, int to, int length) {
        if (from > to) {
            throw new IllegalArgumentException("fromIndex(" + from + ") > toIndex(" + to + ")");
        }
        throw new ArrayIndexOutOfBoundsException("range [" + from + ", " + to + ") out of bounds for length " + length);
    }

    /** An exception that differentiated code throws: its class (unchecked) and constant message, or null. */
    public record Raise(Class<? extends Throwable> type, String message) {
    }

    /**
     * {@code throw new T(message)} of the differentiated method: throws a new T (an unchecked
     * exception, so it propagates out of the generated code unchanged).
     */
    public static void raise(Raise r) {
        Throwable t;
        try {
            t = r.message() == null ? r.type().getConstructor().newInstance()
                    : r.type().getConstructor(String.class).newInstance(r.message());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make the exception " + r.type().getName() + " that the method throws", e);
        }
        if (t instanceof RuntimeException re) {
            throw re;
        }
        throw (Error) t;
    }
}
