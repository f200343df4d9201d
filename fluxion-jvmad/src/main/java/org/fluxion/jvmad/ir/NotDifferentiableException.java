package org.fluxion.jvmad.ir;

/**
 * Raised when a derivative is built for code that cannot be differentiated: it names the method,
 * the source line and bytecode offset, and the reason ("calls the virtual method java.util.List.size()",
 * "allocates an object (new java.lang.StringBuilder)", "writes the static field Examples.count").
 * Nothing is generated for such code, so the error comes when the derivative is built, never when it runs.
 */
public final class NotDifferentiableException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String method;
    private final int line;
    private final int bytecodeOffset;
    private final String reason;

    /**
     * @param method         the method, as {@code Owner.name(double[], int)}
     * @param line           the source line, or -1 when the class has no line numbers
     * @param bytecodeOffset the offset of the instruction in the method's code, or -1 for the method as a whole
     * @param reason         what the code does that cannot be differentiated
     */
    public NotDifferentiableException(String method, int line, int bytecodeOffset, String reason) {
        super("cannot differentiate " + method + where(line, bytecodeOffset) + ": " + reason);
        this.method = method;
        this.line = line;
        this.bytecodeOffset = bytecodeOffset;
        this.reason = reason;
    }

    private static String where(int line, int bci) {
        if (bci < 0) {
            return "";
        }
        return line < 0 ? " at bytecode offset " + bci : " at line " + line + " (bytecode offset " + bci + ")";
    }

    /** The method, as {@code Owner.name(double[], int)}. */
    public String method() {
        return method;
    }

    /** The source line, or -1. */
    public int line() {
        return line;
    }

    /** The bytecode offset of the instruction, or -1 for the method as a whole. */
    public int bytecodeOffset() {
        return bytecodeOffset;
    }

    /** Why the code cannot be differentiated. */
    public String reason() {
        return reason;
    }
}
