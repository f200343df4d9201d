package org.fluxion.jit.ir;

import org.fluxion.ops.WriteCheck;
import org.fluxion.tensor.Tensor;

/**
 * Refuses an in-place write while tracing ({@link Tracing#checkMutation}). Found by
 * {@link org.fluxion.ops.InPlace} with {@link java.util.ServiceLoader}.
 */
public final class TracingWriteCheck implements WriteCheck {
    @Override
    public void check(String op, Tensor target, Tensor value) {
        Tracing.checkMutation(op, target, value);
    }
}
