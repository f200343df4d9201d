package org.fluxion.onnx;

import org.fluxion.tensor.DType;

/**
 * ONNX's {@code TensorProto.DataType} codes that map to a Fluxion {@link DType}. The 16-bit and unsigned
 * 32/64-bit integers, complex numbers and the float8 types have no Fluxion dtype: models using them are
 * reported unsupported at load time. Strings have none either: they are {@link StringTensor}s.
 */
final class ElementType {
    static final int FLOAT = 1;
    static final int UINT8 = 2;
    static final int INT8 = 3;
    static final int UINT16 = 4;
    static final int INT32 = 6;
    static final int INT64 = 7;
    /** Strings have no dtype: they are {@link StringTensor}s. */
    static final int STRING = 8;
    static final int BOOL = 9;
    static final int FLOAT16 = 10;
    static final int DOUBLE = 11;
    static final int BFLOAT16 = 16;

    private static final String[] NAMES = {"UNDEFINED", "FLOAT", "UINT8", "INT8", "UINT16", "INT16", "INT32",
        "INT64", "STRING", "BOOL", "FLOAT16", "DOUBLE", "UINT32", "UINT64", "COMPLEX64", "COMPLEX128", "BFLOAT16"};

    private ElementType() {
    }

    /** The Fluxion dtype of an ONNX element type, or null when there is none. */
    static DType dtype(int code) {
        return switch (code) {
            case FLOAT -> DType.FLOAT32;
            case DOUBLE -> DType.FLOAT64;
            case INT32 -> DType.INT32;
            case INT64 -> DType.INT64;
            case BOOL -> DType.BOOL;
            case FLOAT16 -> DType.FLOAT16;
            case BFLOAT16 -> DType.BFLOAT16;
            case INT8 -> DType.INT8;
            case UINT8 -> DType.UINT8;
            default -> null;
        };
    }

    /** The ONNX element type of a Fluxion dtype. */
    static int code(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> FLOAT;
            case FLOAT64 -> DOUBLE;
            case INT32 -> INT32;
            case INT64 -> INT64;
            case BOOL -> BOOL;
            case FLOAT16 -> FLOAT16;
            case BFLOAT16 -> BFLOAT16;
            case INT8 -> INT8;
            case UINT8 -> UINT8;
        };
    }

    /** ONNX's name of the code ({@code FLOAT16}), for messages. */
    static String name(int code) {
        return code >= 0 && code < NAMES.length ? NAMES[code] : "type " + code;
    }
}
