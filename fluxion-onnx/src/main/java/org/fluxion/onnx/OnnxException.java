package org.fluxion.onnx;

/**
 * A malformed or inconsistent ONNX model or tensor file, or inputs that do not fit the model; the message names
 * the file, tensor or node. An argument error: the model is the caller's input.
 */
public class OnnxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** An error with its message. */
    public OnnxException(String message) {
        super(message);
    }

    /** An error with its message and cause. */
    public OnnxException(String message, Throwable cause) {
        super(message, cause);
    }
}
