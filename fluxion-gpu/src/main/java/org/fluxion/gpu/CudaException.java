package org.fluxion.gpu;

/** A CUDA call returned an error: the message names the call, the error's name and number, and its text. */
public final class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;

    CudaException(String message, int code) {
        super(message);
        this.code = code;
    }

    /** The library's numeric status (CUresult, nvrtcResult or cublasStatus_t, as the message says). */
    public int code() {
        return code;
    }
}
