package org.fluxion.ops;

import org.fluxion.tensor.TensorType;

/** Checks the number of inputs a primitive was given. */
final class Arity {
    private Arity() {
    }

    static void check(String op, TensorType[] inputs, int expected) {
        if (inputs.length != expected) {
            throw new IllegalArgumentException(op + ": expected " + expected + " input(s), got " + inputs.length);
        }
    }

    /** Rejects non-floating-point inputs, for operations that only make sense on real numbers. */
    static void requireFloatingPoint(String op, TensorType input, String role) {
        if (!input.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": " + role + " must be floating-point (float16, bfloat16, float32 or float64), got " + input);
        }
    }
}
