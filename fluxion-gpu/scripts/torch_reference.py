"""PyTorch side of fluxion-gpu's benchmarks: the same measurements as GpuBenchmark.java, written as
`key value` lines. Median of repeated runs, each between two CUDA events, after warm-up."""
import statistics
import sys

import torch

out = open(sys.argv[1] if len(sys.argv) > 1 else "torch-bench.txt", "w")


def put(key, value):
    line = f"{key} {value}"
    print(line)
    out.write(line + "\n")
    out.flush()


def median_ms(fn, warmups=3, repeats=21):
    for _ in range(warmups):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeats):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def chain(x):  # the 10-op chain of fluxion's jit-chain benchmark
    return torch.sigmoid(torch.tanh(x * 1.5 + 0.5) * x - 0.25) * 2 + torch.exp(-(x * x))


dev = torch.device("cuda")
put("torch", torch.__version__)
put("device", '"' + torch.cuda.get_device_name(0) + '"')

for size in (8192,):
    a = torch.rand(size, size, device=dev) * 2 - 1
    b = torch.rand(size, size, device=dev) * 2 - 1
    c = torch.empty(size, size, device=dev)
    for name, tf32 in (("float32", False), ("tf32", True)):
        torch.backends.cuda.matmul.allow_tf32 = tf32
        ms = median_ms(lambda: torch.mm(a, b, out=c), 3, 15)
        put(f"gemm{size}_{name}_ms", ms)
        put(f"gemm{size}_{name}_TFLOPs", 2 * size ** 3 / ms / 1e9)
    del a, b, c

batch, size = 64, 1024
a = torch.rand(batch, size, size, device=dev) * 2 - 1
b = torch.rand(batch, size, size, device=dev) * 2 - 1
c = torch.empty(batch, size, size, device=dev)
for name, tf32 in (("float32", False), ("tf32", True)):
    torch.backends.cuda.matmul.allow_tf32 = tf32
    ms = median_ms(lambda: torch.bmm(a, b, out=c), 3, 15)
    put(f"bmm{batch}x{size}_{name}_ms", ms)
    put(f"bmm{batch}x{size}_{name}_TFLOPs", 2 * batch * size ** 3 / ms / 1e9)
torch.backends.cuda.matmul.allow_tf32 = False

n = 100_000_000
x = torch.randn(n, device=dev)
y = torch.empty_like(x)
copy_ms = median_ms(lambda: y.copy_(x))
put("copy_d2d_ms", copy_ms)
put("copy_d2d_GBps", 8 * n / copy_ms / 1e6)
eager_ms = median_ms(lambda: chain(x))
put("chain_eager_ms", eager_ms)
put("chain_eager_GBps", 8 * n / eager_ms / 1e6)

try:
    compiled = torch.compile(chain)
    compiled(x)
    compiled_ms = median_ms(lambda: compiled(x))
    put("chain_compiled_ms", compiled_ms)
    put("chain_compiled_GBps", 8 * n / compiled_ms / 1e6)
except Exception as e:  # torch.compile needs a C compiler and Triton; report rather than fail
    put("chain_compiled_error", repr(e)[:200].replace("\n", " "))
