package org.fluxion.nn;

import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/** Masks of padded sequences, from their lengths. */
public final class SequenceMasks {
    private SequenceMasks() {
    }

    /**
     * {@code mask[t, b] = t < lengths[b]}: bool {@code [B, T]} (True at a valid step), the form of
     * PyTorch's {@code ~key_padding_mask}.
     *
     * @param lengths int32/int64 {@code [B]}
     */
    public static Tensor valid(Tensor lengths, int steps) {
        requireLengths("SequenceMasks.valid", lengths, false, lengths.rank() == 1 ? lengths.dim(0) : -1, steps);
        return Tensor.arange(steps).unsqueeze(0).lt(lengths.to(DType.INT64).unsqueeze(1));
    }

    /** The valid-step mask {@code [T, B, 1]} in {@code dtype} (1 valid, 0 padding), as the time loop reads it. */
    static Tensor timeMajor(String layer, Tensor lengths, boolean unbatched, int steps, int batch, DType dtype) {
        requireLengths(layer, lengths, unbatched, batch, steps);
        Tensor l = unbatched ? lengths.reshape(1) : lengths;
        return Tensor.arange(steps).unsqueeze(1).lt(l.to(DType.INT64).unsqueeze(0)).to(dtype).unsqueeze(2);
    }

    private static void requireLengths(String layer, Tensor lengths, boolean unbatched, int batch, int steps) {
        if (lengths.dtype() != DType.INT32 && lengths.dtype() != DType.INT64) {
            throw new LayerInputException(layer, "expected int32 or int64 lengths, got " + lengths.type());
        }
        boolean shapeOk = unbatched ? lengths.size() == 1 && lengths.rank() <= 1
                : lengths.rank() == 1 && lengths.dim(0) == batch;
        if (!shapeOk) {
            throw new LayerInputException(layer, "expected lengths " + (unbatched ? "[] or [1]" : "[" + batch + "]")
                    + " (one per sequence), got " + lengths.shape());
        }
        if (!lengths.isTraced()) {
            long[] values = lengths.toLongArray();
            for (int b = 0; b < values.length; b++) {
                if (values[b] < 0 || values[b] > steps) {
                    throw new LayerInputException(layer, "length " + values[b] + " of sequence " + b
                            + " is outside [0, " + steps + "]");
                }
            }
        }
    }
}
