package org.fluxion.spark;

import java.util.ArrayList;
import java.util.List;
import org.fluxion.tensor.Tensor;

/**
 * What the workers all-reduce at each step, as one float buffer: the gradients of the model's parameters
 * flattened in order, then the batch's mean loss and its count of correct predictions. The workers and the
 * single-process {@link ReferenceRun#sharded} fill and read it with this code, so that both cut it into the
 * same all-reduce chunks and compute the same mean gradient, bit for bit.
 */
final class StepBuffer {
    private StepBuffer() {
    }

    /** Length of the buffer for {@code params}: their elements plus the loss and the correct count. */
    static int length(List<Tensor> params) {
        long floats = 2;
        for (Tensor p : params) {
            floats += p.size();
        }
        return Math.toIntExact(floats);
    }

    /** Index of the loss; the correct count follows it. */
    static int lossIndex(float[] buffer) {
        return buffer.length - 2;
    }

    /** Writes {@code grads}, {@code loss} and {@code correct} into {@code buffer}. */
    static void write(List<Tensor> grads, float loss, float correct, float[] buffer) {
        int offset = 0;
        for (Tensor grad : grads) {
            float[] values = grad.toFloatArray();
            System.arraycopy(values, 0, buffer, offset, values.length);
            offset += values.length;
        }
        buffer[offset] = loss;
        buffer[offset + 1] = correct;
    }

    /**
     * The mean gradient of the global batch from the sum over {@code workers} workers of their local batches'
     * mean gradients: {@code sum · (1/K)} in float, shaped as {@code params}.
     */
    static List<Tensor> meanGradients(float[] sum, List<Tensor> params, int workers) {
        List<Tensor> mean = new ArrayList<>(params.size());
        int offset = 0;
        float scale = 1f / workers;
        for (Tensor p : params) {
            int n = (int) p.size();
            float[] values = new float[n];
            for (int i = 0; i < n; i++) {
                values[i] = sum[offset + i] * scale;
            }
            mean.add(Tensor.of(values, p.shape().dims()));
            offset += n;
        }
        return mean;
    }
}
