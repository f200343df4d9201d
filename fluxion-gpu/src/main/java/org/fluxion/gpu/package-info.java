/**
 * An NVIDIA GPU backend through the JDK's foreign function &amp; memory API ({@code java.lang.foreign}):
 * no JNI, nothing downloaded. {@link org.fluxion.gpu.CudaLibraries} finds the CUDA driver, NVRTC and
 * cuBLAS that a CUDA installation, the driver or PyTorch's pip packages already provide;
 * {@link org.fluxion.gpu.CudaDevice} opens a GPU (memory, streams, events, modules);
 * {@link org.fluxion.gpu.Blas} multiplies matrices with cuBLAS; {@link org.fluxion.gpu.GpuFusion} compiles
 * {@code jit}'s fused elementwise programs to kernels with NVRTC. The memory policy is stated on
 * {@link org.fluxion.gpu.CudaDevice}.
 *
 * <p>A first slice: tensors do not yet move to the device ({@code tensor.to(Device)}), and compiled plans
 * do not yet run there; see the module's README.
 */
package org.fluxion.gpu;
