package org.fluxion.train;

import java.util.Optional;
import org.fluxion.tensor.DType;

/**
 * The safetensors dtype codes Fluxion reads and writes, each paired with a {@link DType}.
 * Other codes of the format (I16, U16, U32, U64, F8_E4M3...) are rejected when reading.
 */
enum SafeTensorsDType {
    F32(DType.FLOAT32),
    F64(DType.FLOAT64),
    I32(DType.INT32),
    I64(DType.INT64),
    BOOL(DType.BOOL),
    F16(DType.FLOAT16),
    BF16(DType.BFLOAT16),
    I8(DType.INT8),
    U8(DType.UINT8);

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
