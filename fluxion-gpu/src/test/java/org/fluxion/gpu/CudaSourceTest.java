package org.fluxion.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fluxion.jit.codegen.ElementwiseProgram;
import org.fluxion.jit.codegen.ElementwiseProgram.Access;
import org.fluxion.jit.codegen.ElementwiseProgram.Reduction;
import org.fluxion.ops.BinaryOp;
import org.fluxion.ops.UnaryOp;
import org.fluxion.tensor.DType;
import org.junit.jupiter.api.Test;

/** The CUDA C text of a few programs (pure Java: runs without a GPU). */
class CudaSourceTest {
    private static String element(String source) {
        int start = source.indexOf("fluxion_element(");
        start = source.lastIndexOf("__device__", start);
        int end = source.indexOf("\n}\n", start);
        return source.substring(start, end + 2);
    }

    @Test
    void exactElementFunctionOfMulExp() {
        var b = ElementwiseProgram.builder(DType.FLOAT32);
        int x = b.input(DType.FLOAT32, Access.FULL);
        int c = b.constant(1.5);
        int m = b.binary(BinaryOp.MUL, x, c);
        int e = b.unary(UnaryOp.EXP, m);
        String src = CudaSource.generate(b.build(e, Reduction.NONE));
        assertEquals("""
                __device__ __forceinline__ float fluxion_element(float x0, long long o, long long i) {
                    float v0 = x0;
                    float v1 = 1.5f;
                    float v2 = v0 * v1;
                    float v3 = expf(v2);
                    return v3;
                }""", element(src));
        assertTrue(src.contains("extern \"C\" __global__ void fluxion_elementwise(const float* __restrict__ in0, "
                + "float* __restrict__ out, long long outer, long long inner)"), src);
        assertTrue(src.contains("fluxion_elementwise_vec4"), "a dense float32 map gets the float4 kernel");
        assertTrue(src.contains("const float4 a0_0 = __ldg(v0 + q);"), src);
        assertFalse(src.contains("q / inner"), "no division per element when no input is broadcast");
    }

    /** The text of the unrolled loop of the float4 kernel: from its header to the single-group loop. */
    private static String unrolledTrip(String source) {
        int kernel = source.indexOf(CudaSource.ELEMENTWISE_VEC4 + "(");
        int start = source.indexOf("    for (; q + ", kernel);
        int end = source.indexOf("    for (; q < n4; q += stride) {", kernel);
        assertTrue(kernel > 0 && start > kernel && end > start, source);
        return source.substring(start, end);
    }

    @Test
    void vec4KernelIssuesEveryLoadOfATripBeforeTheFirstUse() {
        var b = ElementwiseProgram.builder(DType.FLOAT32);
        int x = b.input(DType.FLOAT32, Access.FULL);
        int y = b.input(DType.FLOAT32, Access.FULL);
        int c = b.input(DType.FLOAT32, Access.SCALAR);
        ElementwiseProgram p = b.build(b.binary(BinaryOp.ADD, b.binary(BinaryOp.MUL, x, y), c), Reduction.NONE);
        String src = CudaSource.generate(p);
        assertEquals(src, CudaSource.generate(p, CudaSource.UNROLL), "the default is UNROLL");
        assertEquals(4, CudaSource.UNROLL);
        assertTrue(src.contains("extern \"C\" __global__ void __launch_bounds__(256) fluxion_elementwise_vec4("), src);
        assertTrue(src.contains("const float s2 = in2[0];"), "the scalar is read once per thread: " + src);
        String trip = unrolledTrip(src);
        assertTrue(trip.startsWith("    for (; q + 3 * stride < n4; q += 4 * stride) {\n"), trip);
        String[] offsets = {"q", "q + stride", "q + 2 * stride", "q + 3 * stride"};
        int lastLoad = -1;
        int firstStore = Integer.MAX_VALUE;
        for (int u = 0; u < 4; u++) {
            for (int j = 0; j < 2; j++) {
                String load = "const float4 a" + j + "_" + u + " = __ldg(v" + j + " + " + offsets[u] + ");";
                assertTrue(trip.contains(load), load + " in " + trip);
                lastLoad = Math.max(lastLoad, trip.indexOf(load));
            }
            assertTrue(trip.contains("r" + u + ".w = fluxion_element(a0_" + u + ".w, a1_" + u + ".w, s2, o, i);"), trip);
            String store = "__stcs(w + " + offsets[u] + ", r" + u + ");";
            assertTrue(trip.contains(store), store + " in " + trip);
            firstStore = Math.min(firstStore, trip.indexOf(store));
        }
        int firstUse = trip.indexOf("fluxion_element(");
        assertTrue(lastLoad < firstUse && firstUse < firstStore, "loads, then values, then stores: " + trip);
        assertFalse(trip.contains("in0[") || trip.contains("out["), "only float4 accesses in the trip: " + trip);
        assertTrue(src.contains("    for (; q < n4; q += stride) {\n        const float4 a0_0 = __ldg(v0 + q);\n"),
                "the groups left over go one at a time: " + src);
        assertTrue(src.contains("for (q = 4 * n4 + (long long) blockIdx.x * blockDim.x + threadIdx.x; q < n; q += stride) {\n"
                + "        out[q] = fluxion_element(in0[q], in1[q], s2, o, i);"), "then the last n % 4 elements: " + src);
    }

    @Test
    void unrollChangesOnlyTheVec4Kernel() {
        var b = ElementwiseProgram.builder(DType.FLOAT32);
        int x = b.input(DType.FLOAT32, Access.FULL);
        ElementwiseProgram map = b.build(b.unary(UnaryOp.EXP, x), Reduction.NONE);
        String one = CudaSource.generate(map, 1);
        assertFalse(one.contains("q + 0 * stride") || one.contains("for (; q + "), "unroll 1 has no unrolled loop: " + one);
        assertTrue(one.contains("__stcs(w + q, r0);"), one);
        String eight = CudaSource.generate(map, 8);
        assertTrue(unrolledTrip(eight).contains("__ldg(v0 + q + 7 * stride)"), eight);
        assertFalse(unrolledTrip(eight).contains("q + 8 * stride"), eight);
        assertEquals(one.substring(0, one.indexOf(CudaSource.ELEMENTWISE_VEC4)),
                eight.substring(0, eight.indexOf(CudaSource.ELEMENTWISE_VEC4)), "the other kernels do not depend on it");
        var r = ElementwiseProgram.builder(DType.FLOAT32);
        int rx = r.input(DType.FLOAT32, Access.FULL);
        ElementwiseProgram sum = r.build(r.unary(UnaryOp.EXP, rx), Reduction.SUM_ALL);
        assertEquals(CudaSource.generate(sum, 1), CudaSource.generate(sum, 8));
        var e = assertThrows(IllegalArgumentException.class, () -> CudaSource.generate(map, 0));
        assertTrue(e.getMessage().contains("unroll must be in [1, 8], got 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CudaSource.generate(map, 9));
    }

    @Test
    void deadInstructionsAreLeftOutAndTextIsDeterministic() {
        var b = ElementwiseProgram.builder(DType.FLOAT32);
        int x = b.input(DType.FLOAT32, Access.FULL);
        b.unary(UnaryOp.SIN, x); // dead
        int t = b.unary(UnaryOp.TANH, x);
        ElementwiseProgram p = b.build(t, Reduction.NONE);
        String src = CudaSource.generate(p);
        assertFalse(src.contains("sinf(v0)"), src);
        assertTrue(src.contains("float v2 = tanhf(v0);"), src);
        assertEquals(src, CudaSource.generate(p));
    }

    @Test
    void broadcastMaskAndRowSum() {
        var b = ElementwiseProgram.builder(DType.FLOAT32);
        int x = b.input(DType.FLOAT32, Access.FULL);
        int keep = b.input(DType.BOOL, Access.ROW);
        int bias = b.input(DType.FLOAT32, Access.COLUMN);
        int s = b.binary(BinaryOp.ADD, x, bias);
        int zero = b.constant(0);
        int w = b.where(keep, s, zero);
        String src = CudaSource.generate(b.build(w, Reduction.SUM_INNER));
        assertTrue(src.contains("const unsigned char* __restrict__ in1"), src);
        assertTrue(src.contains("bool v1 = (in1[i] != 0);"), src);
        assertTrue(src.contains("float v2 = in2[o];"), src);
        assertTrue(src.contains("float v5 = v1 ? v3 : v4;"), src);
        assertTrue(src.contains("__global__ void __launch_bounds__(256) fluxion_rows("), src);
        assertTrue(src.contains("double acc = 0;"), "sums accumulate in double");
        assertFalse(src.contains("vec4"), "a broadcast input or a reduction has no float4 kernel");
    }

    @Test
    void fullMaxUsesPartialsAndJavaMax() {
        var b = ElementwiseProgram.builder(DType.FLOAT64);
        int x = b.input(DType.FLOAT64, Access.FULL);
        int y = b.input(DType.FLOAT64, Access.SCALAR);
        int m = b.binary(BinaryOp.MAXIMUM, x, y);
        int l = b.unary(UnaryOp.LOG, m);
        String src = CudaSource.generate(b.build(l, Reduction.MAX_ALL));
        assertTrue(src.contains("double v3 = log(v2);"), "float64 uses the double functions: " + src);
        assertTrue(src.contains("double v2 = fx_max(v0, v1);"), src);
        assertTrue(src.contains("const double s1 = in1[0];"), "a scalar input is read once per thread");
        assertTrue(src.contains("fluxion_partials(") && src.contains("fluxion_fold("), src);
        assertTrue(src.contains("acc = fx_max(acc, "), src);
    }

    @Test
    void nonFiniteAndSignedZeroConstantsAreExact() {
        var b = ElementwiseProgram.builder(DType.FLOAT32);
        int x = b.input(DType.FLOAT32, Access.FULL);
        int nan = b.constant(Double.NaN);
        int inf = b.constant(Double.NEGATIVE_INFINITY);
        int negZero = b.constant(-0.0);
        int third = b.constant(1.0 / 3);
        int r = b.binary(BinaryOp.ADD, b.binary(BinaryOp.MINIMUM, b.binary(BinaryOp.MAXIMUM, x, nan), inf),
                b.binary(BinaryOp.MUL, negZero, third));
        String src = CudaSource.generate(b.build(r, Reduction.NONE));
        assertTrue(src.contains("__int_as_float(0x7fc00000)"), src);
        assertTrue(src.contains("__int_as_float(0xff800000)"), src);
        assertTrue(src.contains("float v3 = -0.0f;"), src);
        assertTrue(src.contains("float v4 = 0.33333334f;"), "the float32 constant, shortest round-trip text: " + src);
    }

    @Test
    void masksComparisonsAndEveryOpHaveAnExpression() {
        for (UnaryOp op : UnaryOp.values()) {
            var b = ElementwiseProgram.builder(DType.FLOAT32);
            int x = b.input(DType.FLOAT32, Access.FULL);
            int u = b.unary(op, x);
            ElementwiseProgram p = b.build(u, Reduction.NONE);
            String src = CudaSource.generate(p);
            assertEquals(p.resultIsMask(), src.contains("unsigned char* __restrict__ out"), op + ": " + src);
        }
        for (BinaryOp op : BinaryOp.values()) {
            var b = ElementwiseProgram.builder(DType.FLOAT32);
            int x = b.input(DType.FLOAT32, Access.FULL);
            int y = b.input(DType.FLOAT32, Access.FULL);
            int r = b.binary(op, x, y);
            assertTrue(CudaSource.generate(b.build(r, Reduction.NONE)).contains("v2 = "), op.toString());
        }
        var b = ElementwiseProgram.builder(DType.FLOAT32);
        int x = b.input(DType.FLOAT32, Access.FULL);
        int lt = b.binary(BinaryOp.LT, x, b.constant(0));
        int not = b.unary(UnaryOp.LOGICAL_NOT, lt);
        String src = CudaSource.generate(b.build(b.toFloat(not), Reduction.NONE));
        assertTrue(src.contains("bool v3 = !v2;"), "LOGICAL_NOT of a mask negates it: " + src);
        assertTrue(src.contains("float v4 = v3 ? (float)1 : (float)0;"), src);
    }

    @Test
    void sigmoidDividesOnceAndNeedsNoLibraryMacro() {
        var b = ElementwiseProgram.builder(DType.FLOAT32);
        int x = b.input(DType.FLOAT32, Access.FULL);
        String src = CudaSource.generate(b.build(b.unary(UnaryOp.SIGMOID, x), Reduction.NONE));
        assertTrue(src.contains("float fx_sigmoid(float x) { float z = expf(-fabsf(x)); return (x >= 0 ? (float)1 : z) / (1 + z); }"),
                src);
        assertFalse(src.contains("INFINITY") || src.contains("NAN") || src.contains("#include"), src);
    }

    @Test
    void differentProgramsGiveDifferentText() {
        var a = ElementwiseProgram.builder(DType.FLOAT32);
        int x = a.input(DType.FLOAT32, Access.FULL);
        var b = ElementwiseProgram.builder(DType.FLOAT32);
        int y = b.input(DType.FLOAT32, Access.FULL);
        assertNotEquals(CudaSource.generate(a.build(a.unary(UnaryOp.EXP, x), Reduction.NONE)),
                CudaSource.generate(b.build(b.unary(UnaryOp.LOG, y), Reduction.NONE)));
    }
}
