/** JMH microbenchmarks of single kernels (e.g. {@code SgemmJmh}), for tuning outside the side-by-side runs. */
package org.fluxion.bench.jmh;
