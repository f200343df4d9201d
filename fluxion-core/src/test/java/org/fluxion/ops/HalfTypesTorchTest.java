package org.fluxion.ops;

import static org.fluxion.ops.HalfTypesTest.bitsOf;
import static org.fluxion.ops.HalfTypesTest.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.testing.PythonReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Bit patterns against PyTorch (/usr/bin/python3): casts of float32 values of every class (random bit
 * patterns: normals, subnormals, infinities, NaNs) to float16 and bfloat16, and arithmetic on both types.
 * Operations whose float32 result PyTorch computes differently (its exp, its summation order) may differ
 * by one unit in the last place of the 16-bit result; the exactly rounded ones must match bit for bit.
 * NaNs match as NaNs (PyTorch's vectorized casts write different NaN payloads than its scalar ones).
 */
class HalfTypesTorchTest {
    private static final int N = 1 << 14;
    private static final int M = 24; // matmul: [M, K] @ [K, M]
    private static final int K = 40;

    private static final String SCRIPT = """
            import sys, numpy as np, torch
            x = torch.from_numpy(np.frombuffer(sys.stdin.buffer.read(), dtype='<f4').copy())
            n = x.numel() // 2
            out = [x.half(), x.bfloat16()]
            for t in (torch.float16, torch.bfloat16):
                a, b = x[:n].to(t), x[n:].to(t)
                out += [a + b, a - b, a * b, a / b]
            out += [x[:n].half().reshape(-1, 64).sum(1)]
            a, b = x[:n].bfloat16() * 0.01, x[n:].bfloat16() * 0.01
            out += [a.reshape(-1, 64).sum(1), a.exp(), a.abs().sqrt(), (a[1:%d:2].reshape(%d, %d) @ b[1:%d:2].reshape(%d, %d)).reshape(-1)]
            sys.stdout.buffer.write(b''.join(t.view(torch.int16).numpy().astype('<i2').tobytes() for t in out))
            """.formatted(2 * M * K, M, K, 2 * K * M, K, M);

    @Test
    void castsAndArithmeticMatchPyTorchBitForBit() throws IOException {
        Assumptions.assumeTrue(PythonReference.hasTorch(), PythonReference.NO_TORCH);
        SplittableRandom r = new SplittableRandom(15);
        float[] x = new float[2 * N];
        for (int i = 0; i < x.length; i++) {
            // Half of the values are arbitrary bit patterns, half lie in float16's range (where ties happen).
            x[i] = i % 2 == 0 ? Float.intBitsToFloat(r.nextInt()) : (float) (r.nextGaussian() * Math.pow(2, r.nextInt(-26, 17)));
        }
        ByteBuffer in = ByteBuffer.allocate(4 * x.length).order(ByteOrder.LITTLE_ENDIAN);
        in.asFloatBuffer().put(x);
        ByteBuffer out = ByteBuffer.wrap(PythonReference.run(SCRIPT, in.array())).order(ByteOrder.LITTLE_ENDIAN);
        Tensor all = Tensor.of(x, x.length);
        compare(out, "cast to float16", DType.FLOAT16, all.to(DType.FLOAT16), 0);
        compare(out, "cast to bfloat16", DType.BFLOAT16, all.to(DType.BFLOAT16), 0);
        for (DType t : new DType[] {DType.FLOAT16, DType.BFLOAT16}) {
            Tensor a = all.slice(0, 0, N).to(t);
            Tensor b = all.slice(0, N, 2 * N).to(t);
            compare(out, t.label() + " add", t, a.add(b), 0);
            compare(out, t.label() + " sub", t, a.sub(b), 0);
            compare(out, t.label() + " mul", t, a.mul(b), 0);
            compare(out, t.label() + " div", t, a.div(b), 0);
        }
        // Sums of values near float32's largest overflow in some orders of summation and not in others:
        // bfloat16's are compared on values a hundred times smaller.
        compare(out, "float16 sum", DType.FLOAT16, all.slice(0, 0, N).to(DType.FLOAT16).reshape(-1, 64).sum(1), 1);
        Tensor a = all.slice(0, 0, N).to(DType.BFLOAT16).mul(0.01);
        Tensor b = all.slice(0, N, 2 * N).to(DType.BFLOAT16).mul(0.01);
        compare(out, "bfloat16 sum", DType.BFLOAT16, a.reshape(-1, 64).sum(1), 1);
        compare(out, "bfloat16 exp", DType.BFLOAT16, a.exp(), 1);
        compare(out, "bfloat16 sqrt", DType.BFLOAT16, a.abs().sqrt(), 0);
        // The product on the Gaussian half only: products of the arbitrary patterns overflow float32, and whether a
        // row's sum is then +inf, -inf or NaN depends on the order of summation, which is the kernel's choice.
        compare(out, "bfloat16 matmul", DType.BFLOAT16, a.slice(0, 1, 2 * M * K, 2).reshape(M, K)
                .matmul(b.slice(0, 1, 2 * K * M, 2).reshape(K, M)).reshape(-1), 1);
        assertEquals(0, out.remaining(), "PyTorch wrote more results than were compared");
    }

    /** The next {@code actual.size()} results of PyTorch against {@code actual}, within {@code ulps}. */
    private static void compare(ByteBuffer torch, String what, DType dtype, Tensor actual, int ulps) {
        short[] mine = bitsOf(actual);
        int exact = 0;
        for (int i = 0; i < mine.length; i++) {
            short theirs = torch.getShort();
            float t = value(dtype, theirs);
            float m = value(dtype, mine[i]);
            if (Float.isNaN(t) || Float.isNaN(m)) {
                assertTrue(Float.isNaN(t) && Float.isNaN(m), what + " at " + i + ": PyTorch " + t + ", Fluxion " + m);
                exact++;
                continue;
            }
            int distance = Math.abs(ordered(theirs) - ordered(mine[i]));
            assertTrue(distance <= ulps, what + " at " + i + ": PyTorch " + t + " (0x"
                    + Integer.toHexString(theirs & 0xffff) + "), Fluxion " + m + " (0x" + Integer.toHexString(mine[i] & 0xffff) + ")");
            exact += distance == 0 ? 1 : 0;
        }
        // Off by one place only rarely: a systematic difference would show in most elements.
        assertTrue(exact >= mine.length * 0.95, what + ": only " + exact + " of " + mine.length + " bit-identical");
    }

    /** Bits of a 16-bit float mapped to integers in the order of the values (so that ulp distance is a difference). */
    private static int ordered(short bits) {
        int b = bits & 0xffff;
        return (b & 0x8000) != 0 ? -(b & 0x7fff) : b;
    }
}
