"""One table from java-bench.txt and torch-bench.txt (key value lines): Fluxion vs PyTorch, with the
issue's targets."""
import sys


def read(path):
    d = {}
    try:
        for line in open(path):
            if " " in line:
                k, v = line.rstrip("\n").split(" ", 1)
                d[k] = v
    except FileNotFoundError:
        pass
    return d


j, t = read(sys.argv[1]), read(sys.argv[2])
junit = open(sys.argv[3]).read().strip().splitlines()[-1] if len(sys.argv) > 3 else "?"


def f(d, k):
    try:
        return float(d[k])
    except (KeyError, ValueError):
        return None


def row(what, fl, to, unit, ratio, target):
    fs = f"{fl:10.2f}" if fl is not None else "         -"
    ts = f"{to:10.2f}" if to is not None else "         -"
    rs = f"{ratio:6.2f}x" if ratio is not None else "      -"
    print(f"{what:44s} {fs} {ts}  {unit:7s} {rs}  {target}")


print(f"device: {j.get('device', '?')}  |  torch {t.get('torch', '?')}")
print(f"junit: {junit}")
print(f"{'measurement':44s} {'fluxion':>10s} {'torch':>10s}  {'unit':7s} {'ratio':>7s}  target")
for p in ("float32", "tf32"):
    a, b = f(j, f"gemm8192_{p}_TFLOPs"), f(t, f"gemm8192_{p}_TFLOPs")
    row(f"GEMM 8192^3 {p}", a, b, "TFLOP/s", a / b if a and b else None, ">= 0.9x torch")
    a, b = f(j, f"bmm64x1024_{p}_TFLOPs"), f(t, f"bmm64x1024_{p}_TFLOPs")
    row(f"batched GEMM 64 x 1024^3 {p}", a, b, "TFLOP/s", a / b if a and b else None, "")
cj, ct = f(j, "copy_d2d_GBps"), f(t, "copy_d2d_GBps")
row("device-to-device copy 100M floats", cj, ct, "GB/s", None, "(the ceiling)")
sj = f(j, "scale_fused_over_copy_bandwidth")
row("1-op program (x*1.5), generated kernel vs copy", None, None, "", sj, "(what the kernel shape reaches)")
for p in ("exact", "fast"):
    fj = f(j, f"chain_{p}_GBps")
    row(f"10-op chain, 100M floats, {p}: fused vs copy", fj, None, "GB/s", fj / cj if fj and cj else None, ">= 0.8x copy")
    fm, em, cm = f(j, f"chain_{p}_ms"), f(t, "chain_eager_ms"), f(t, "chain_compiled_ms")
    row(f"10-op chain ms, {p}: vs torch eager", fm, em, "ms", em / fm if fm and em else None, "speed-up over torch eager")
    row(f"10-op chain ms, {p}: vs torch.compile", fm, cm, "ms", cm / fm if fm and cm else None, "")
for p in ("exact", "fast"):
    r = f(j, f"chain_{p}_registers")
    if r is not None:
        print(f"chain {p} kernel: unroll {j.get(f'chain_{p}_unroll')}, {int(r)} registers, "
              f"{j.get(f'chain_{p}_local_bytes')} local bytes, {j.get(f'chain_{p}_blocks_per_sm')} blocks/SM")
u = 1
while f(j, f"unroll{u}_scale_ms") is not None:
    parts = [f"1-op {f(j, f'unroll{u}_scale_over_copy_bandwidth'):.2f}x ({j.get(f'unroll{u}_scale_registers')} regs)"]
    for p in ("exact", "fast"):
        ms, ratio = f(j, f"unroll{u}_chain_{p}_ms"), f(j, f"unroll{u}_chain_{p}_over_copy_bandwidth")
        if ms is not None:
            parts.append(f"chain {p} {ms:.3f} ms {ratio:.2f}x ({j.get(f'unroll{u}_chain_{p}_registers')} regs, "
                         f"{j.get(f'unroll{u}_chain_{p}_blocks_per_sm')} blocks/SM, {j.get(f'unroll{u}_chain_{p}_check')})")
    print(f"unroll {u}: " + ", ".join(parts) + " of copy bandwidth")
    u *= 2
print("checks: " + ", ".join(f"{k[:-6]}={v}" for k, v in j.items() if k.endswith("_check")))
for p in ("exact", "fast"):
    print(f"chain {p} errors vs CPU: max abs {j.get(f'chain_{p}_check_max_abs_error')}, rel L2 {j.get(f'chain_{p}_check_relative_l2_error')}")
print("errors: " + ", ".join(f"{k}={v}" for k, v in j.items() if k.endswith("_error") and not k.startswith(("chain_", "gemm", "bmm"))))
