/**
 * Kotlin operators for [Tensor]: arithmetic with tensors and numbers on either side, unary minus,
 * elementwise comparisons, and ranges as slices (`x[0 until 2, 1..3]`).
 *
 * `x[i, j]` is the element (Java's `Tensor.get(int...)`, which Kotlin takes as the operator).
 * Each operator is the tensor method of the same meaning, so broadcasting, dtypes, autodiff, `jit` and
 * `vmap` behave exactly as from Java: `a + b` is `a.add(b)`, `-a` is `a.neg()`, `2.0 * a` is `a.mul(2.0)`.
 * Kotlin does not widen an `Int` to a `Double`, so the number operands are any [Number].
 */
@file:JvmName("TensorOperators")

package org.fluxion.kotlin

import org.fluxion.tensor.Tensor

operator fun Tensor.plus(other: Tensor): Tensor = add(other)

operator fun Tensor.plus(other: Number): Tensor = add(other.toDouble())

operator fun Number.plus(tensor: Tensor): Tensor = tensor.add(toDouble())

operator fun Tensor.minus(other: Tensor): Tensor = sub(other)

operator fun Tensor.minus(other: Number): Tensor = sub(other.toDouble())

/** `c - x` = `-x + c`. */
operator fun Number.minus(tensor: Tensor): Tensor = tensor.neg().add(toDouble())

operator fun Tensor.times(other: Tensor): Tensor = mul(other)

operator fun Tensor.times(other: Number): Tensor = mul(other.toDouble())

operator fun Number.times(tensor: Tensor): Tensor = tensor.mul(toDouble())

// Tensor / Tensor needs nothing here: Kotlin takes Java's Tensor.div(Tensor) as the operator, and
// x[i, j] is Java's Tensor.get(int...).

operator fun Tensor.div(other: Number): Tensor = div(other.toDouble())

/** `c / x` = `c * x^-1`. */
operator fun Number.div(tensor: Tensor): Tensor = tensor.pow(-1.0).mul(toDouble())

operator fun Tensor.unaryMinus(): Tensor = neg()

operator fun Tensor.unaryPlus(): Tensor = this

/** Elementwise `x < y` as a boolean tensor (broadcast). Named so because `<` must return an `Int` in Kotlin. */
infix fun Tensor.lessThan(other: Tensor): Tensor = lt(other)

infix fun Tensor.lessThan(other: Number): Tensor = lt(other.toDouble())

/** Elementwise `x <= y`. */
infix fun Tensor.atMost(other: Tensor): Tensor = le(other)

infix fun Tensor.atMost(other: Number): Tensor = le(other.toDouble())

/** Elementwise `x > y`. */
infix fun Tensor.greaterThan(other: Tensor): Tensor = gt(other)

infix fun Tensor.greaterThan(other: Number): Tensor = gt(other.toDouble())

/** Elementwise `x >= y`. */
infix fun Tensor.atLeast(other: Tensor): Tensor = ge(other)

infix fun Tensor.atLeast(other: Number): Tensor = ge(other.toDouble())

/** Elementwise `x == y` (Kotlin's `==` compares objects, so it cannot be this). */
infix fun Tensor.elementEquals(other: Tensor): Tensor = eq(other)

infix fun Tensor.elementEquals(other: Number): Tensor = eq(other.toDouble())

/** Elementwise `x != y`. */
infix fun Tensor.elementNotEquals(other: Tensor): Tensor = ne(other)

infix fun Tensor.elementNotEquals(other: Number): Tensor = ne(other.toDouble())

/** `x ** e`, elementwise, for an integer `e` too (Java's `pow(double)` takes a `Double` only). */
fun Tensor.pow(exponent: Number): Tensor = pow(exponent.toDouble())

/** `x @ y` of NumPy and PyTorch. */
infix fun Tensor.mm(other: Tensor): Tensor = matmul(other)

/**
 * The view `x[r0, r1, ...]`: axis `k` sliced to `rk` (`0 until n`, `1..3`, `0 until n step 2`); the axes
 * after the last range are whole. A view, as Java's `slice`: no copy, and gradients flow through it.
 */
operator fun Tensor.get(vararg ranges: IntProgression): Tensor {
    require(ranges.size <= rank()) { "x[...]: ${ranges.size} ranges for a tensor of rank ${rank()} ${shape()}" }
    var out = this
    for ((axis, r) in ranges.withIndex()) {
        require(r.step > 0) { "x[...]: axis $axis: a slice goes forward, got step ${r.step} in $r" }
        out = out.slice(axis, r.first, r.last + 1, r.step)
    }
    return out
}

/** The sub-tensor `x[i]` along the first axis (one rank less), as Java's `select(0, i)`. */
fun Tensor.row(i: Int): Tensor = select(0, i)
