"""Reference side of a Fluxion side-by-side benchmark.

Loads a workload module (a file defining ``setup(args) -> step``) and answers the Java driver on
stdin/stdout, so that both sides can run alternately in one run:

    run N   -> calls step() N times, prints the elapsed seconds
    rss     -> prints the peak resident set size of this process, in bytes
    info    -> prints the workload's info() line (what its last step computed: counts, values)
    quit    -> exits

Started by org.fluxion.bench.PythonReference with torch (when installed: SciPy workloads run without it)
set to the requested thread count.
"""
import importlib.util
import resource
import sys
import time


def peak_rss():
    """Peak resident set size of this process in bytes: VmHWM of /proc/self/status.

    Not getrusage's ru_maxrss: Linux carries the high-water mark of the forked parent's address space
    across exec into it, so a child of a 600 MB JVM reports at least 600 MB however little it touches.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main():
    workload_path, threads = sys.argv[1], int(sys.argv[2])
    try:
        import torch
        torch.set_num_threads(threads)
    except ImportError:
        pass
    spec = importlib.util.spec_from_file_location("workload", workload_path)
    workload = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(workload)
    step = workload.setup(sys.argv[3:])
    print("ready", flush=True)
    for line in sys.stdin:
        parts = line.split()
        if not parts or parts[0] == "quit":
            break
        if parts[0] == "info":
            print(workload.info(), flush=True)
            continue
        if parts[0] == "rss":
            print(peak_rss(), flush=True)
            continue
        n = int(parts[1])
        t0 = time.perf_counter()
        for _ in range(n):
            step()
        print(time.perf_counter() - t0, flush=True)


if __name__ == "__main__":
    main()
