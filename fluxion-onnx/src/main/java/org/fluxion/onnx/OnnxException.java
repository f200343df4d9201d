package org.fluxion.onnx;

/** A malformed or inconsistent ONNX model or tensor file; the message names the file, tensor or node. */
public class OnnxException extends RuntimeException {
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
