package org.fluxion.jit.passes;

import static org.fluxion.tensor.TensorInternals.storage;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.jit.ir.Equation;
import org.fluxion.jit.ir.Graph;
import org.fluxion.jit.ir.Value;
import org.fluxion.kernels.Pool2dGeometry;
import org.fluxion.kernels.Pool2dKernels;
import org.fluxion.ops.ConvolutionPrimitives;
import org.fluxion.ops.Pool2dOptions;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * Max pooling's backward planned with its forward (PyTorch's {@code max_pool2d_with_indices}): a float32 2x2
 * stride-2 {@code maxPool2d} whose input a pooling gradient also reads becomes this step, which returns the maxima
 * and a byte per window coding where its maximum lies ({@link Pool2dKernels#maxForwardWindows}); the gradient reads
 * the codes instead of the input ({@link MaxPoolWindowsGrad}). For the Fashion-MNIST CNN's first layer at batch 64
 * the gradient reads 0.35 MB of codes instead of 5.5 MB of input, and the input is free once pooled. Input
 * {@code x [N, C, H, W]}; outputs {@code y} and the codes, {@code [N, C, OH, OW]} float32 and uint8. It only appears
 * in compiled plans, after differentiation, and has no derivative rules.
 */
record MaxPoolWindows(Pool2dOptions options) implements MultiOutputPlanStep {
    @Override
    public String name() {
        return "maxPool2d_windows";
    }

    @Override
    public String rewrittenFrom() {
        return "maxPool2d";
    }

    @Override
    public TensorType[] outputTypes(TensorType... in) {
        Pool2dGeometry g = options.geometry(in[0].shape());
        org.fluxion.tensor.Shape s = org.fluxion.tensor.Shape.of(g.batch(), g.channels(), g.outHeight(), g.outWidth());
        return new TensorType[] {new TensorType(s, DType.FLOAT32), new TensorType(s, DType.UINT8)};
    }

    @Override
    public Tensor[] computeInto(Storage[] buffers, Tensor[] in) {
        Tensor x = in[0].contiguous();
        TensorType[] types = outputTypes(x.type());
        Storage y = buffers[0] != null ? buffers[0] : Storage.allocate(DType.FLOAT32, types[0].shape().size());
        Storage codes = buffers[1] != null ? buffers[1] : Storage.allocate(DType.UINT8, types[1].shape().size());
        Pool2dKernels.maxForwardWindows(options.geometry(x.shape()), storage(x).floats(), x.offset(), y.floats(), 0,
                codes.bytes(), 0);
        return new Tensor[] {Tensor.wrap(y, types[0].shape()), Tensor.wrap(codes, types[1].shape())};
    }

    /**
     * Rewrites each float32 {@code maxPool2d} that {@link Pool2dKernels#windowsApply} and whose input is also read, after
     * it, by a {@code maxPool2dGrad} or {@code maxPool2dGrad_relu} of the same options into this step, and those
     * gradients into {@link MaxPoolWindowsGrad}s reading its codes.
     */
    static Graph rewrite(Graph g) {
        Map<Value, List<Equation>> readers = g.readers();
        Map<Equation, Integer> position = g.positions();
        int[] ids = {Passes.maxId(g) + 1};
        Map<Equation, Equation> replacement = new IdentityHashMap<>();
        for (Equation pool : g.equations()) {
            if (!(pool.primitive() instanceof ConvolutionPrimitives.MaxPool2d mp)) {
                continue;
            }
            Value x = pool.inputs()[0];
            if (x.type().dtype() != DType.FLOAT32 || !Pool2dKernels.windowsApply(mp.options().geometry(x.type().shape()))) {
                continue;
            }
            Value codes = null;
            for (Equation grad : readers.getOrDefault(x, List.of())) {
                boolean relu = grad.primitive() instanceof MaxPoolReluGrad r && r.options().equals(mp.options());
                boolean plain = grad.primitive() instanceof ConvolutionPrimitives.MaxPool2dGrad p
                        && p.options().equals(mp.options());
                if (!(relu || plain) || grad.inputs()[0] != x || position.get(grad) < position.get(pool)
                        || replacement.containsKey(grad)) {
                    continue;
                }
                if (codes == null) {
                    codes = new Value(ids[0]++, new TensorType(pool.output().type().shape(), DType.UINT8), null, null);
                    replacement.put(pool, new Equation(new MaxPoolWindows(mp.options()), new Value[] {x},
                            new Value[] {pool.output(), codes}));
                }
                replacement.put(grad, new Equation(new MaxPoolWindowsGrad(mp.options(), grad.output().type(), relu),
                        new Value[] {codes, grad.inputs()[1]}, grad.output()));
            }
        }
        return Passes.rewritten(g, replacement, Map.of());
    }
}
