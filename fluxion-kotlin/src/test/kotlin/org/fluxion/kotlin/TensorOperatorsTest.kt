package org.fluxion.kotlin

import java.nio.file.Files
import java.nio.file.Path
import org.fluxion.autodiff.Functional
import org.fluxion.tensor.Tensor
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** Issue 18 item 5: the operators give what the Java methods give, on values and on gradients. */
class TensorOperatorsTest {
    private val x = Tensor.of(doubleArrayOf(1.0, -2.0, 3.0, 4.0, 0.5, -1.5), 2, 3)
    private val y = Tensor.of(doubleArrayOf(2.0, 2.0, -1.0), 3)

    private fun assertSame(expected: Tensor, actual: Tensor) {
        assertEquals(expected.shape(), actual.shape())
        assertEquals(expected.dtype(), actual.dtype())
        assertArrayEquals(expected.toDoubleArray(), actual.toDoubleArray(), 0.0)
    }

    @Test
    fun arithmeticWithTensorsAndNumbersOnEitherSide() {
        assertSame(x.add(y), x + y)
        assertSame(x.sub(y), x - y)
        assertSame(x.mul(y), x * y)
        assertSame(x.div(y), x / y)
        assertSame(x.neg(), -x)
        assertSame(x, +x)
        assertSame(x.add(1.0), x + 1)
        assertSame(x.add(1.5), 1.5 + x)
        assertSame(x.sub(2.0), x - 2)
        assertSame(x.neg().add(2.0), 2 - x)
        assertSame(x.mul(3.0), 3 * x)
        assertSame(x.mul(0.5), x * 0.5f)
        assertSame(x.div(4.0), x / 4)
        assertArrayEquals(x.toDoubleArray().map { 1.0 / it }.toDoubleArray(), (1 / x).toDoubleArray(), 1e-15)
        assertSame(x.pow(2.0), x.pow(2))
        assertSame(x.matmul(y.reshape(3, 1)), x mm y.reshape(3, 1))
    }

    @Test
    fun comparisonsAreElementwise() {
        assertSame(x.lt(y), x lessThan y)
        assertSame(x.le(1.0), x atMost 1)
        assertSame(x.gt(0.0), x greaterThan 0)
        assertSame(x.ge(y), x atLeast y)
        assertSame(x.eq(3.0), x elementEquals 3)
        assertSame(x.ne(y), x elementNotEquals y)
    }

    @Test
    fun indexingAndRangesAsSlices() {
        assertEquals(-1.5, x[1, 2])
        assertEquals(3.0, x[0, -1])
        assertSame(x.slice(1, 1, 3), x[0..1, 1..2])
        assertSame(x.slice(0, 1, 2), x[1 until 2])
        assertSame(x.slice(1, 0, 3, 2), x[0..1, 0..2 step 2])
        assertSame(x.select(0, 1), x.row(1))
        val e = assertThrows(IllegalArgumentException::class.java) { x[0..1, 0..1, 0..1] }
        assertTrue(e.message!!.contains("3 ranges for a tensor of rank 2 [2, 3]"), e.message)
        assertThrows(IllegalArgumentException::class.java) { x[2 downTo 0] }
    }

    @Test
    fun gradientsFlowThroughOperatorsAndSlices() {
        // f(a) = sum((2 - a) * a / 4 + a[.., 1..2]^2 summed) : d/da = (2 - 2a) / 4 + 2a on columns 1..2.
        val f = { a: Tensor -> ((2 - a) * a / 4).sum().add((a[0..1, 1..2] * a[0..1, 1..2]).sum()) }
        val grad = Functional.grad(f).apply(x)
        val expected = DoubleArray(6) { i ->
            val a = x.toDoubleArray()[i]
            (2 - 2 * a) / 4 + (if (i % 3 >= 1) 2 * a else 0.0)
        }
        assertArrayEquals(expected, grad.toDoubleArray(), 1e-12)
    }

    /** The README's Kotlin example is this test's, word for word, and runs. */
    @Test
    fun readmeExampleIsThisOne() {
        val readme = Files.readString(Path.of("..", "README.md"))
        val block = Regex("```kotlin\\n(import org\\.fluxion\\.kotlin\\.\\*.*?)```", RegexOption.DOT_MATCHES_ALL).find(readme)
        assertTrue(block != null, "README.md has a Kotlin example using org.fluxion.kotlin")
        val source = Files.readString(Path.of("src/test/kotlin/org/fluxion/kotlin/ReadmeExample.kt"))
        val body = source.substringAfter("// README begin\n").substringBefore("// README end").trimIndent()
        val readmeBody = block!!.groupValues[1].lines().filter { !it.startsWith("import ") }.joinToString("\n").trim()
        assertEquals(readmeBody, body.trim())
        // x w = [[2.5, 3], [7, 4.5]], times 2 minus 1.
        assertArrayEquals(doubleArrayOf(4.0, 5.0, 13.0, 8.0), readmeExample().toDoubleArray(), 1e-12)
    }
}
