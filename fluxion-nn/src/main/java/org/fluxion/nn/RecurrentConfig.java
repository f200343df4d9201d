package org.fluxion.nn;

/**
 * The hyperparameters of a recurrent layer, PyTorch's constructor arguments.
 *
 * @param cell          the cell
 * @param inputSize     features of the input {@code x}
 * @param hiddenSize    {@code H}
 * @param numLayers     stacked layers; layer {@code l > 0} reads the outputs of layer {@code l - 1}
 * @param bidirectional a second, reverse pass per layer, its outputs concatenated after the forward ones
 * @param batchFirst    input and output {@code [B, T, features]} instead of {@code [T, B, features]}
 * @param bias          with {@code b_ih} and {@code b_hh}
 * @param dropout       dropout on the outputs of every layer but the last, in training mode
 */
public record RecurrentConfig(RecurrentCell cell, int inputSize, int hiddenSize, int numLayers, boolean bidirectional,
                              boolean batchFirst, boolean bias, double dropout) {
    /**
     * @throws IllegalArgumentException naming the argument when a size is out of range or dropout is not in
     *                                  {@code [0, 1)}
     */
    public RecurrentConfig {
        String layer = cell == null ? "recurrent layer" : cell.name();
        if (cell == null) {
            throw new IllegalArgumentException("recurrent layer: the cell is null");
        }
        LayerArguments.atLeast(layer, "inputSize", inputSize, 1);
        LayerArguments.atLeast(layer, "hiddenSize", hiddenSize, 1);
        LayerArguments.atLeast(layer, "numLayers", numLayers, 1);
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException(layer + ": dropout must be in [0, 1), got " + dropout);
        }
    }

    /** One layer, unidirectional, time-major, with bias, no dropout. */
    public static RecurrentConfig of(RecurrentCell cell, int inputSize, int hiddenSize) {
        return new RecurrentConfig(cell, inputSize, hiddenSize, 1, false, false, true, 0);
    }

    public RecurrentConfig withLayers(int n) {
        return new RecurrentConfig(cell, inputSize, hiddenSize, n, bidirectional, batchFirst, bias, dropout);
    }

    public RecurrentConfig withBidirectional(boolean b) {
        return new RecurrentConfig(cell, inputSize, hiddenSize, numLayers, b, batchFirst, bias, dropout);
    }

    public RecurrentConfig withBatchFirst(boolean b) {
        return new RecurrentConfig(cell, inputSize, hiddenSize, numLayers, bidirectional, b, bias, dropout);
    }

    public RecurrentConfig withBias(boolean b) {
        return new RecurrentConfig(cell, inputSize, hiddenSize, numLayers, bidirectional, batchFirst, b, dropout);
    }

    public RecurrentConfig withDropout(double p) {
        return new RecurrentConfig(cell, inputSize, hiddenSize, numLayers, bidirectional, batchFirst, bias, p);
    }

    /** 2 when bidirectional, else 1. */
    public int directions() {
        return bidirectional ? 2 : 1;
    }

    /** PyTorch's parameter name, e.g. {@code weight_hh_l1_reverse}. */
    static String name(String kind, int layer, int direction) {
        return kind + "_l" + layer + (direction == 1 ? "_reverse" : "");
    }
}
