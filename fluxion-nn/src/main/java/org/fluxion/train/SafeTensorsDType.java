package org.fluxion.train;

import java.util.Optional;
import org.fluxion.tensor.DType;

/**
 * The safetensors dtype codes Fluxion reads and writes, each paired with a {@link DType}.
 * Other codes of the format (F16, BF16, U8, ...) are rejected when reading.
 */
enum SafeTensorsDType {
    F32(DType.FLOAT32),
    F64(DType.FLOAT64),
    I32(DType.INT32),
    I64(DType.INT64),
    BOOL(DType.BOOL);

    private final DType dtype;

    SafeTensorsDType(DType dtype) {
        this.dtype = dtype;
    }

    DType dtype() {
        return dtype;
    }

    /** Bytes per element on disk; BOOL takes one byte, 0 or 1. */
    int byteSize() {
        return dtype.byteSize();
    }

    static SafeTensorsDType of(DType dtype) {
        for (SafeTensorsDType d : values()) {
            if (d.dtype == dtype) {
                return d;
            }
        }
        throw new IllegalArgumentException("safetensors: no code for dtype " + dtype);
    }

    static Optional<SafeTensorsDType> parse(String code) {
        for (SafeTensorsDType d : values()) {
            if (d.name().equals(code)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
