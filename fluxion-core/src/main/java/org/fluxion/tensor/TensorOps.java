package org.fluxion.tensor;

import java.util.List;

/**
 * Service interface for {@link Tensor}'s operations: one method per facade method, taking the tensor as its
 * first argument ({@code self}) where the facade method is an instance method. Their meaning (the primitives and
 * composites they apply) belongs to ops, a layer below this one that it may not import (shared/DESIGN.md,
 * "Layers of the system"), as {@link ReverseMode}'s belongs to autodiff. Implemented by
 * {@code org.fluxion.ops.FacadeOps}, listed in fluxion-core's {@code META-INF/services/org.fluxion.tensor.TensorOps}
 * and found once, when {@code Tensor} is initialized. Not for users: call the methods of {@link Tensor}, whose
 * documentation says what each does.
 */
public interface TensorOps {
Tensor detach(Tensor self);
    Tensor subInPlace(Tensor self, Tensor other);
    Tensor addInPlace(Tensor self, Tensor other);
    Tensor mulInPlace(Tensor self, double factor);
    Tensor copyFrom(Tensor self, Tensor source);
    Tensor to(Tensor self, DType dtype);
    Tensor contiguous(Tensor self);
    Tensor copy(Tensor self);
    Tensor reshape(Tensor self, int... dims);
    Tensor permute(Tensor self, int... order);
    Tensor transpose(Tensor self, int axis0, int axis1);
    Tensor transpose(Tensor self);
    Tensor expand(Tensor self, int... dims);
    Tensor broadcastTo(Tensor self, Shape target);
    Tensor slice(Tensor self, int axis, int start, int end, int step);
    Tensor slice(Tensor self, int axis, int start, int end);
    Tensor select(Tensor self, int axis, int index);
    Tensor squeeze(Tensor self);
    Tensor squeeze(Tensor self, int... axes);
    Tensor unsqueeze(Tensor self, int axis);
    Tensor flatten(Tensor self);
    Tensor flatten(Tensor self, int startAxis, int endAxis);
    Tensor neg(Tensor self);
    Tensor abs(Tensor self);
    Tensor sign(Tensor self);
    Tensor exp(Tensor self);
    Tensor log(Tensor self);
    Tensor log1p(Tensor self);
    Tensor expm1(Tensor self);
    Tensor sqrt(Tensor self);
    Tensor rsqrt(Tensor self);
    Tensor sin(Tensor self);
    Tensor cos(Tensor self);
    Tensor tan(Tensor self);
    Tensor tanh(Tensor self);
    Tensor sinh(Tensor self);
    Tensor cosh(Tensor self);
    Tensor asinh(Tensor self);
    Tensor acosh(Tensor self);
    Tensor atanh(Tensor self);
    Tensor sigmoid(Tensor self);
    Tensor relu(Tensor self);
    Tensor reciprocal(Tensor self);
    Tensor isNaN(Tensor self);
    Tensor isFinite(Tensor self);
    Tensor logicalNot(Tensor self);
    Tensor add(Tensor self, Tensor other);
    Tensor add(Tensor self, double other);
    Tensor sub(Tensor self, Tensor other);
    Tensor sub(Tensor self, double other);
    Tensor mul(Tensor self, Tensor other);
    Tensor mul(Tensor self, double other);
    Tensor div(Tensor self, Tensor other);
    Tensor div(Tensor self, double other);
    Tensor pow(Tensor self, Tensor exponent);
    Tensor pow(Tensor self, double exponent);
    Tensor maximum(Tensor self, Tensor other);
    Tensor maximum(Tensor self, double other);
    Tensor minimum(Tensor self, Tensor other);
    Tensor minimum(Tensor self, double other);
    Tensor clamp(Tensor self, double min, double max);
    Tensor eq(Tensor self, Tensor other);
    Tensor eq(Tensor self, double other);
    Tensor ne(Tensor self, Tensor other);
    Tensor ne(Tensor self, double other);
    Tensor lt(Tensor self, Tensor other);
    Tensor lt(Tensor self, double other);
    Tensor le(Tensor self, Tensor other);
    Tensor le(Tensor self, double other);
    Tensor gt(Tensor self, Tensor other);
    Tensor gt(Tensor self, double other);
    Tensor ge(Tensor self, Tensor other);
    Tensor ge(Tensor self, double other);
    Tensor logicalAnd(Tensor self, Tensor other);
    Tensor logicalOr(Tensor self, Tensor other);
    Tensor where(Tensor condition, Tensor a, Tensor b);
    Tensor sum(Tensor self);
    Tensor sum(Tensor self, int[] axes, boolean keepDims);
    Tensor sum(Tensor self, int axis);
    Tensor mean(Tensor self);
    Tensor mean(Tensor self, int[] axes, boolean keepDims);
    Tensor mean(Tensor self, int axis);
    Tensor prod(Tensor self);
    Tensor prod(Tensor self, int[] axes, boolean keepDims);
    Tensor max(Tensor self);
    Tensor max(Tensor self, int[] axes, boolean keepDims);
    Tensor max(Tensor self, int axis);
    Tensor min(Tensor self);
    Tensor min(Tensor self, int[] axes, boolean keepDims);
    Tensor min(Tensor self, int axis);
    Tensor cumsum(Tensor self, int axis);
    TopKResult topk(Tensor self, int k);
    TopKResult topk(Tensor self, int k, int axis, boolean largest, boolean sorted);
    Tensor argmax(Tensor self, int axis, boolean keepDims);
    Tensor argmax(Tensor self);
    Tensor argmin(Tensor self, int axis, boolean keepDims);
    Tensor argmin(Tensor self);
    Tensor logsumexp(Tensor self, int[] axes, boolean keepDims);
    Tensor variance(Tensor self, int[] axes, int correction, boolean keepDims);
    Tensor softmax(Tensor self, int axis);
    Tensor logSoftmax(Tensor self, int axis);
    Tensor concat(int axis, Tensor... tensors);
    Tensor concat(int axis, List<Tensor> tensors);
    Tensor stack(int axis, Tensor... tensors);
    Tensor stack(int axis, List<Tensor> tensors);
    List<Tensor> split(Tensor self, int axis, int... sizes);
    List<Tensor> chunk(Tensor self, int axis, int size);
    Tensor pad(Tensor self, int[] padding, double value);
    Tensor gather(Tensor self, int axis, Tensor index);
    Tensor indexSelect(Tensor self, int axis, Tensor index);
    Tensor scatterAdd(Tensor self, int axis, Tensor index, Tensor source);
    Tensor oneHot(Tensor indices, int numClasses);
    Tensor matmul(Tensor self, Tensor other);
}
