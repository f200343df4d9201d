package org.fluxion.jit.passes;

import static org.fluxion.tensor.TensorInternals.storage;

import org.fluxion.kernels.Conv2dGeometry;
import org.fluxion.kernels.Conv2dKernels;
import org.fluxion.ops.CompilerMultiOutput;
import org.fluxion.ops.Conv2dOptions;
import org.fluxion.ops.IntoBuffers;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorType;

/**
 * The weight and bias gradients of a convolution from one pass over its output gradient (PyTorch's
 * {@code convolution_backward}): inputs {@code x [N, C, H, W]} and {@code dy [N, O, OH, OW]}, outputs
 * {@code dw} of {@code weightShape} and {@code db = sum_{n, oh, ow} dy}, O values of {@code biasType} (with or
 * without kept unit axes). The kernel sums each sample's planes of dy as the weight gradient reads them
 * ({@link Conv2dKernels#weightGrad(Conv2dGeometry, Object, int, Object, int, Object, int, Object, int)}). Built by
 * {@link ConvBiasGrads} from a {@code conv2dWeightGrad} and the {@code sum} over axes 0, 2 and 3 of the same dy; it
 * exists only in compiled plans, after differentiation, and has no derivative rules.
 */
record ConvWeightBiasGrad(Conv2dOptions options, Shape weightShape, TensorType biasType)
        implements CompilerMultiOutput, IntoBuffers {
    @Override
    public String name() {
        return "conv2dWeightGrad_bias";
    }

    @Override
    public TensorType[] outputTypes(TensorType... in) {
        return new TensorType[] {new TensorType(weightShape, in[0].dtype()), biasType};
    }

    @Override
    public Tensor[] computeAll(TensorType[] outputs, Tensor... in) {
        return computeInto(new Storage[2], in);
    }

    @Override
    public Tensor[] computeInto(Storage[] buffers, Tensor[] in) {
        Tensor x = in[0].contiguous();
        Tensor dy = in[1].contiguous();
        Storage dw = buffers[0] != null ? buffers[0] : Storage.allocate(x.dtype(), weightShape.size());
        Storage db = buffers[1] != null ? buffers[1] : Storage.allocate(biasType.dtype(), biasType.shape().size());
        Conv2dGeometry g = new Conv2dGeometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), weightShape.dim(0),
                weightShape.dim(2), weightShape.dim(3), options.strideH(), options.strideW(), options.padH(),
                options.padW(), options.dilationH(), options.dilationW(), options.groups());
        Conv2dKernels.weightGrad(g, storage(x).array(), x.offset(), storage(dy).array(), dy.offset(), dw.array(), 0,
                db.array(), 0);
        return new Tensor[] {Tensor.wrap(dw, weightShape), Tensor.wrap(db, biasType.shape())};
    }

    @Override
    public Tensor[] vjpAll(Tensor[] cotangents, Tensor[] inputs, Tensor[] outputs, int wanted) {
        throw refused();
    }

    @Override
    public Tensor[] jvpAll(Tensor[] inputs, Tensor[] tangents, Tensor[] outputs) {
        throw refused();
    }

    @Override
    public Tensor[] batchAll(Tensor[] inputs, boolean[] batched, int size) {
        throw refused();
    }

    private UnsupportedOperationException refused() {
        return new UnsupportedOperationException(name() + ": exists only in compiled plans, which are not "
                + "differentiated or batched again; those transforms apply to the weight gradient and sum it replaced");
    }
}
