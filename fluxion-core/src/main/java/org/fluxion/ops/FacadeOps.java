package org.fluxion.ops;

import java.util.List;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorOps;
import org.fluxion.tensor.TopKResult;

/**
 * {@link Tensor}'s methods, implemented with ops' functional forms ({@link TensorOps}; the service fluxion-core's
 * {@code META-INF/services} lists): the facade's {@code x.exp()} is {@code exp(x)} here, which applies the
 * primitive. Each method is the one line the facade would hold if the tensor layer could import this one.
 */
public final class FacadeOps implements TensorOps {
    @Override public Tensor detach(Tensor self) { return Views.stopGradient(self); }
    @Override public Tensor subInPlace(Tensor self, Tensor other) { return InPlace.update("subInPlace", self, Tensor::sub, other); }
    @Override public Tensor addInPlace(Tensor self, Tensor other) { return InPlace.update("addInPlace", self, Tensor::add, other); }
    @Override public Tensor mulInPlace(Tensor self, double factor) { return InPlace.scale("mulInPlace", self, factor); }
    @Override public Tensor copyFrom(Tensor self, Tensor source) { return InPlace.write("copyFrom", self, source); }
    @Override public Tensor to(Tensor self, DType dtype) { return Elementwise.cast(self, dtype); }
    @Override public Tensor contiguous(Tensor self) { return Views.contiguous(self); }
    @Override public Tensor copy(Tensor self) { return Views.copy(self); }
    @Override public Tensor reshape(Tensor self, int... dims) { return Views.reshape(self, dims); }
    @Override public Tensor permute(Tensor self, int... order) { return Views.permute(self, order); }
    @Override public Tensor transpose(Tensor self, int axis0, int axis1) { return Views.transpose(self, axis0, axis1); }
    @Override public Tensor transpose(Tensor self) { return Views.transpose(self, -2, -1); }
    @Override public Tensor expand(Tensor self, int... dims) { return Views.expand(self, dims); }
    @Override public Tensor broadcastTo(Tensor self, Shape target) { return Views.expand(self, target.dims()); }
    @Override public Tensor slice(Tensor self, int axis, int start, int end, int step) { return Views.slice(self, axis, start, end, step); }
    @Override public Tensor slice(Tensor self, int axis, int start, int end) { return Views.slice(self, axis, start, end, 1); }
    @Override public Tensor select(Tensor self, int axis, int index) { return Views.select(self, axis, index); }
    @Override public Tensor squeeze(Tensor self) { return Views.squeeze(self); }
    @Override public Tensor squeeze(Tensor self, int... axes) { return Views.squeeze(self, axes); }
    @Override public Tensor unsqueeze(Tensor self, int axis) { return Views.unsqueeze(self, axis); }
    @Override public Tensor flatten(Tensor self) { return Views.flatten(self, 0, -1); }
    @Override public Tensor flatten(Tensor self, int startAxis, int endAxis) { return Views.flatten(self, startAxis, endAxis); }
    @Override public Tensor neg(Tensor self) { return Elementwise.unary(UnaryOp.NEG, self); }
    @Override public Tensor abs(Tensor self) { return Elementwise.unary(UnaryOp.ABS, self); }
    @Override public Tensor sign(Tensor self) { return Elementwise.unary(UnaryOp.SIGN, self); }
    @Override public Tensor exp(Tensor self) { return Elementwise.unary(UnaryOp.EXP, self); }
    @Override public Tensor log(Tensor self) { return Elementwise.unary(UnaryOp.LOG, self); }
    @Override public Tensor log1p(Tensor self) { return Elementwise.unary(UnaryOp.LOG1P, self); }
    @Override public Tensor expm1(Tensor self) { return Elementwise.unary(UnaryOp.EXPM1, self); }
    @Override public Tensor sqrt(Tensor self) { return Elementwise.unary(UnaryOp.SQRT, self); }
    @Override public Tensor rsqrt(Tensor self) { return Elementwise.unary(UnaryOp.RSQRT, self); }
    @Override public Tensor sin(Tensor self) { return Elementwise.unary(UnaryOp.SIN, self); }
    @Override public Tensor cos(Tensor self) { return Elementwise.unary(UnaryOp.COS, self); }
    @Override public Tensor tan(Tensor self) { return Elementwise.unary(UnaryOp.TAN, self); }
    @Override public Tensor tanh(Tensor self) { return Elementwise.unary(UnaryOp.TANH, self); }
    @Override public Tensor sinh(Tensor self) { return Elementwise.unary(UnaryOp.SINH, self); }
    @Override public Tensor cosh(Tensor self) { return Elementwise.unary(UnaryOp.COSH, self); }
    @Override public Tensor asinh(Tensor self) { return Elementwise.unary(UnaryOp.ASINH, self); }
    @Override public Tensor acosh(Tensor self) { return Elementwise.unary(UnaryOp.ACOSH, self); }
    @Override public Tensor atanh(Tensor self) { return Elementwise.unary(UnaryOp.ATANH, self); }
    @Override public Tensor sigmoid(Tensor self) { return Elementwise.unary(UnaryOp.SIGMOID, self); }
    @Override public Tensor relu(Tensor self) { return Elementwise.unary(UnaryOp.RELU, self); }
    @Override public Tensor reciprocal(Tensor self) { return Elementwise.reciprocal(self); }
    @Override public Tensor isNaN(Tensor self) { return Elementwise.unary(UnaryOp.IS_NAN, self); }
    @Override public Tensor isFinite(Tensor self) { return Elementwise.unary(UnaryOp.IS_FINITE, self); }
    @Override public Tensor logicalNot(Tensor self) { return Elementwise.unary(UnaryOp.LOGICAL_NOT, self); }
    @Override public Tensor add(Tensor self, Tensor other) { return Elementwise.binary(BinaryOp.ADD, self, other); }
    @Override public Tensor add(Tensor self, double other) { return Elementwise.binary(BinaryOp.ADD, self, other); }
    @Override public Tensor sub(Tensor self, Tensor other) { return Elementwise.binary(BinaryOp.SUB, self, other); }
    @Override public Tensor sub(Tensor self, double other) { return Elementwise.binary(BinaryOp.SUB, self, other); }
    @Override public Tensor mul(Tensor self, Tensor other) { return Elementwise.binary(BinaryOp.MUL, self, other); }
    @Override public Tensor mul(Tensor self, double other) { return Elementwise.binary(BinaryOp.MUL, self, other); }
    @Override public Tensor div(Tensor self, Tensor other) { return Elementwise.binary(BinaryOp.DIV, self, other); }
    @Override public Tensor div(Tensor self, double other) { return Elementwise.binary(BinaryOp.DIV, self, other); }
    @Override public Tensor pow(Tensor self, Tensor exponent) { return Elementwise.binary(BinaryOp.POW, self, exponent); }
    @Override public Tensor pow(Tensor self, double exponent) { return Elementwise.binary(BinaryOp.POW, self, exponent); }
    @Override public Tensor maximum(Tensor self, Tensor other) { return Elementwise.binary(BinaryOp.MAXIMUM, self, other); }
    @Override public Tensor maximum(Tensor self, double other) { return Elementwise.binary(BinaryOp.MAXIMUM, self, other); }
    @Override public Tensor minimum(Tensor self, Tensor other) { return Elementwise.binary(BinaryOp.MINIMUM, self, other); }
    @Override public Tensor minimum(Tensor self, double other) { return Elementwise.binary(BinaryOp.MINIMUM, self, other); }
    @Override public Tensor clamp(Tensor self, double min, double max) { return Elementwise.clamp(self, min, max); }
    @Override public Tensor eq(Tensor self, Tensor other) { return Elementwise.binary(BinaryOp.EQ, self, other); }
    @Override public Tensor eq(Tensor self, double other) { return Elementwise.binary(BinaryOp.EQ, self, other); }
    @Override public Tensor ne(Tensor self, Tensor other) { return Elementwise.binary(BinaryOp.NE, self, other); }
    @Override public Tensor ne(Tensor self, double other) { return Elementwise.binary(BinaryOp.NE, self, other); }
    @Override public Tensor lt(Tensor self, Tensor other) { return Elementwise.binary(BinaryOp.LT, self, other); }
    @Override public Tensor lt(Tensor self, double other) { return Elementwise.binary(BinaryOp.LT, self, other); }
    @Override public Tensor le(Tensor self, Tensor other) { return Elementwise.binary(BinaryOp.LE, self, other); }
    @Override public Tensor le(Tensor self, double other) { return Elementwise.binary(BinaryOp.LE, self, other); }
    @Override public Tensor gt(Tensor self, Tensor other) { return Elementwise.binary(BinaryOp.GT, self, other); }
    @Override public Tensor gt(Tensor self, double other) { return Elementwise.binary(BinaryOp.GT, self, other); }
    @Override public Tensor ge(Tensor self, Tensor other) { return Elementwise.binary(BinaryOp.GE, self, other); }
    @Override public Tensor ge(Tensor self, double other) { return Elementwise.binary(BinaryOp.GE, self, other); }
    @Override public Tensor logicalAnd(Tensor self, Tensor other) { return Elementwise.binary(BinaryOp.LOGICAL_AND, self, other); }
    @Override public Tensor logicalOr(Tensor self, Tensor other) { return Elementwise.binary(BinaryOp.LOGICAL_OR, self, other); }
    @Override public Tensor where(Tensor condition, Tensor a, Tensor b) { return Elementwise.where(condition, a, b); }
    @Override public Tensor sum(Tensor self) { return Reductions.sum(self, new int[0], false); }
    @Override public Tensor sum(Tensor self, int[] axes, boolean keepDims) { return Reductions.sum(self, axes, keepDims); }
    @Override public Tensor sum(Tensor self, int axis) { return Reductions.sum(self, new int[] {axis}, false); }
    @Override public Tensor mean(Tensor self) { return Reductions.mean(self, new int[0], false); }
    @Override public Tensor mean(Tensor self, int[] axes, boolean keepDims) { return Reductions.mean(self, axes, keepDims); }
    @Override public Tensor mean(Tensor self, int axis) { return Reductions.mean(self, new int[] {axis}, false); }
    @Override public Tensor prod(Tensor self) { return Reductions.prod(self, new int[0], false); }
    @Override public Tensor prod(Tensor self, int[] axes, boolean keepDims) { return Reductions.prod(self, axes, keepDims); }
    @Override public Tensor max(Tensor self) { return Reductions.max(self, new int[0], false); }
    @Override public Tensor max(Tensor self, int[] axes, boolean keepDims) { return Reductions.max(self, axes, keepDims); }
    @Override public Tensor max(Tensor self, int axis) { return Reductions.max(self, new int[] {axis}, false); }
    @Override public Tensor min(Tensor self) { return Reductions.min(self, new int[0], false); }
    @Override public Tensor min(Tensor self, int[] axes, boolean keepDims) { return Reductions.min(self, axes, keepDims); }
    @Override public Tensor min(Tensor self, int axis) { return Reductions.min(self, new int[] {axis}, false); }
    @Override public Tensor cumsum(Tensor self, int axis) { return Reductions.cumsum(self, axis); }
    @Override public TopKResult topk(Tensor self, int k) { return Sorting.topk(self, k, -1, true, true); }
    @Override public TopKResult topk(Tensor self, int k, int axis, boolean largest, boolean sorted) { return Sorting.topk(self, k, axis, largest, sorted); }
    @Override public Tensor argmax(Tensor self, int axis, boolean keepDims) { return Reductions.argmax(self, axis, keepDims); }
    @Override public Tensor argmax(Tensor self) { return Reductions.argmax(self.flatten(), 0, false); }
    @Override public Tensor argmin(Tensor self, int axis, boolean keepDims) { return Reductions.argmin(self, axis, keepDims); }
    @Override public Tensor argmin(Tensor self) { return Reductions.argmin(self.flatten(), 0, false); }
    @Override public Tensor logsumexp(Tensor self, int[] axes, boolean keepDims) { return Reductions.logsumexp(self, axes, keepDims); }
    @Override public Tensor variance(Tensor self, int[] axes, int correction, boolean keepDims) { return Reductions.variance(self, axes, correction, keepDims); }
    @Override public Tensor softmax(Tensor self, int axis) { return Reductions.softmax(self, axis); }
    @Override public Tensor logSoftmax(Tensor self, int axis) { return Reductions.logSoftmax(self, axis); }
    @Override public Tensor concat(int axis, Tensor... tensors) { return Joining.concat(axis, List.of(tensors)); }
    @Override public Tensor concat(int axis, List<Tensor> tensors) { return Joining.concat(axis, tensors); }
    @Override public Tensor stack(int axis, Tensor... tensors) { return Joining.stack(axis, List.of(tensors)); }
    @Override public Tensor stack(int axis, List<Tensor> tensors) { return Joining.stack(axis, tensors); }
    @Override public List<Tensor> split(Tensor self, int axis, int... sizes) { return Joining.split(self, axis, sizes); }
    @Override public List<Tensor> chunk(Tensor self, int axis, int size) { return Joining.chunk(self, axis, size); }
    @Override public Tensor pad(Tensor self, int[] padding, double value) { return Joining.pad(self, padding, value); }
    @Override public Tensor gather(Tensor self, int axis, Tensor index) { return Indexing.gather(self, axis, index); }
    @Override public Tensor indexSelect(Tensor self, int axis, Tensor index) { return Indexing.indexSelect(self, axis, index); }
    @Override public Tensor scatterAdd(Tensor self, int axis, Tensor index, Tensor source) { return Indexing.scatterAdd(self, axis, index, source); }
    @Override public Tensor oneHot(Tensor indices, int numClasses) { return Indexing.oneHot(indices, numClasses); }
    @Override public Tensor matmul(Tensor self, Tensor other) { return LinearAlgebra.matmul(self, other); }
}
