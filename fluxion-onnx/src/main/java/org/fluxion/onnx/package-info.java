/**
 * ONNX import and export. {@link org.fluxion.onnx.Onnx#load} reads a model file (and its external data)
 * into an {@link org.fluxion.onnx.OnnxModel}, whose nodes are lowered to Fluxion's tensor operations when it
 * runs: eagerly, under {@code jit}, under {@code vmap} and under every autodiff transform.
 */
package org.fluxion.onnx;
