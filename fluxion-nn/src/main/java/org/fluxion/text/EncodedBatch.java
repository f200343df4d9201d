package org.fluxion.text;

import org.fluxion.tensor.Tensor;

/**
 * Documents encoded as id sequences of one length.
 *
 * @param ids     int64 {@code [B, L]}, padded with the pad id
 * @param mask    float32 {@code [B, L]}: 1 at real tokens, 0 at padding (an attention or key-padding mask)
 * @param lengths the number of real tokens of each document after truncation
 */
public record EncodedBatch(Tensor ids, Tensor mask, int[] lengths) {
}
