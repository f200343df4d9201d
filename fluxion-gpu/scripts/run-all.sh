#!/usr/bin/env bash
# Runs every GPU test and benchmark of fluxion-gpu on a machine with an NVIDIA GPU and no Java, from the
# folder build-runtime.sh made; writes results to $OUT (default ./gpu-out):
#   log.txt (everything), junit.txt, java-bench.txt, torch-bench.txt, summary.txt
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="${OUT:-$PWD/gpu-out}"
mkdir -p "$OUT"
exec > >(tee "$OUT/log.txt") 2>&1
export PYTHONUNBUFFERED=1

echo "== machine"; nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv || true
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda)' || true

echo "== CUDA libraries (searched, not assumed)"
# Every folder that holds libcuda, libnvrtc or libcublas: the pip nvidia-* packages of the python3 that
# has torch, the driver's folder, and whatever the dynamic linker knows.
cuda_path="$(python3 - <<'PY'
import glob, os, site, subprocess, sys
roots = set()
try:
    import nvidia
    roots.update(nvidia.__path__)
except Exception:
    pass
for s in site.getsitepackages() + [site.getusersitepackages()]:
    roots.add(os.path.join(s, "nvidia"))
dirs = []
def add(d):
    if d not in dirs:
        dirs.append(d)
for r in sorted(roots):
    for pattern in ("libnvrtc.so*", "libcublas.so*", "libcuda.so*"):
        for f in glob.glob(os.path.join(r, "**", pattern), recursive=True):
            add(os.path.dirname(f))
for d in ("/usr/local/nvidia/lib64", "/usr/local/nvidia/lib", "/usr/local/cuda/lib64"):
    if glob.glob(os.path.join(d, "libcuda.so*")) or glob.glob(os.path.join(d, "libnvrtc.so*")):
        add(d)
try:
    for line in subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout.splitlines():
        if "libcuda.so" in line and "=>" in line:
            add(os.path.dirname(line.split("=>")[1].strip()))
except Exception:
    pass
print(":".join(dirs))
PY
)"
echo "fluxion.cuda.path=$cuda_path"
for d in ${cuda_path//:/ }; do ls "$d" | grep -E '^lib(cuda|nvrtc|cublas)\.so' | sed "s|^|  $d/|"; done

# NVRTC loads its builtins and cuBLAS its Lt library by name: the java processes alone get the folders.
java=(env "LD_LIBRARY_PATH=$cuda_path${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$here/runtime/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
  -XX:+UseParallelGC -Xss8m -Xmx32g "-Dfluxion.cuda.path=$cuda_path" "-Dfluxion.gpu.readme=$here/README.md" -Dfluxion.gpu.required=true -cp "$here/lib/*:$here/test-classes")
"$here/runtime/bin/java" -version 2>&1 | head -1
status=0

echo "== JUnit: every test of fluxion-gpu (fluxion.gpu.required: GPU tests fail here, not skip, if the GPU is unusable)"
timeout 120 "${java[@]}" org.fluxion.gpu.RunGpuTests "$OUT/junit.txt" >/dev/null || status=1
tail -1 "$OUT/junit.txt" 2>/dev/null; grep -E '^(FAILED|ABORTED|SKIPPED)' "$OUT/junit.txt" | head -20

echo "== Fluxion benchmarks"
timeout 150 "${java[@]}" org.fluxion.gpu.GpuBenchmark "$OUT/java-bench.txt" || status=1

echo "== PyTorch reference"
timeout 120 python3 "$here/torch_reference.py" "$OUT/torch-bench.txt" || status=1

echo "== summary"
python3 "$here/summarize.py" "$OUT/java-bench.txt" "$OUT/torch-bench.txt" "$OUT/junit.txt" | tee "$OUT/summary.txt"
exit $status
