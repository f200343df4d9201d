package org.fluxion.kotlin

import org.fluxion.tensor.Tensor

/** The README's Kotlin example (between the markers, word for word; checked by TensorOperatorsTest). */
fun readmeExample(): Tensor {
    // README begin
    val x = Tensor.of(doubleArrayOf(1.0, 2.0, 3.0, 4.0, 5.0, 6.0), 2, 3)
    val w = Tensor.of(doubleArrayOf(0.5, -1.0, 1.0, 0.5, 0.0, 1.0), 3, 2)
    val y = (x mm w) * 2 - 1                 // [2, 2]
    val positive = y greaterThan 0           // elementwise, a boolean tensor
    val firstColumn = y[0..1, 0..0]          // ranges are slices (views)
    println("${y[1, 0]} ${positive.sum()} ${firstColumn.shape()}")
    // README end
    return y
}
