/**
 * Side-by-side benchmarks (shared/BENCHMARKS.md): each runs Fluxion and its reference (PyTorch, OpenBLAS,
 * a plain array copy) alternately in one run and prints {@code BENCH} lines with the ratio; the Python
 * scripts of the references live in the resources. Depends on fluxion-core and fluxion-nn.
 */
package org.fluxion.bench;
