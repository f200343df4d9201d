package org.fluxion.gpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.List;

/**
 * NVRTC, CUDA's run-time compiler: CUDA C++ source to a cubin for one GPU architecture (and PTX where NVRTC
 * emits it). A failed compilation throws a {@link CudaException} whose message holds the compiler's log.
 */
public final class Nvrtc {
    private final NativeLibrary lib;
    private final MethodHandle create, compile, logSize, log, ptxSize, ptx, cubinSize, cubin, destroy, errorString, version;

    /** The result of a compilation: the cubin image (null if none), the PTX (null if none) and the log. */
    public record Compiled(byte[] cubin, String ptx, String log) {
        /** The image to load: the cubin, else the PTX as NUL-terminated bytes. */
        public byte[] image() {
            if (cubin != null) {
                return cubin;
            }
            byte[] text = ptx.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            return java.util.Arrays.copyOf(text, text.length + 1);
        }
    }

    Nvrtc(Path file) {
        lib = new NativeLibrary("NVRTC", file);
        create = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS), "nvrtcCreateProgram");
        compile = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS), "nvrtcCompileProgram");
        logSize = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "nvrtcGetProgramLogSize");
        log = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "nvrtcGetProgramLog");
        ptxSize = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "nvrtcGetPTXSize");
        ptx = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "nvrtcGetPTX");
        cubinSize = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "nvrtcGetCUBINSize");
        cubin = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "nvrtcGetCUBIN");
        destroy = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS), "nvrtcDestroyProgram");
        errorString = lib.function(FunctionDescriptor.of(ADDRESS, JAVA_INT), "nvrtcGetErrorString");
        version = lib.function(FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), "nvrtcVersion");
    }

    /** The library file in use. */
    public Path file() {
        return lib.file();
    }

    /** NVRTC's version, e.g. {@code 13.0}. */
    public String version() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment major = a.allocate(JAVA_INT);
            MemorySegment minor = a.allocate(JAVA_INT);
            check((int) version.invokeExact(major, minor), "nvrtcVersion");
            return major.get(JAVA_INT, 0) + "." + minor.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw Driver.rethrow(t);
        }
    }

    private void check(int result, String call) {
        if (result != 0) {
            throw new CudaException(call + " failed: " + errorName(result) + " (nvrtcResult " + result + ")", result);
        }
    }

    private String errorName(int result) {
        try {
            MemorySegment p = (MemorySegment) errorString.invokeExact(result);
            return p.equals(MemorySegment.NULL) ? "NVRTC error " + result : p.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "NVRTC error " + result;
        }
    }

    /**
     * Compiles {@code source} (named {@code name} in messages) for compute capability {@code cc} (e.g. 90:
     * {@code --gpu-architecture=sm_90}) with the extra {@code options}.
     */
    public Compiled compile(String source, String name, int computeCapability, List<String> options) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment program = a.allocate(ADDRESS);
            check((int) create.invokeExact(program, a.allocateFrom(source), a.allocateFrom(name), 0,
                    MemorySegment.NULL, MemorySegment.NULL), "nvrtcCreateProgram(" + name + ")");
            MemorySegment prog = program.get(ADDRESS, 0);
            try {
                List<String> all = new java.util.ArrayList<>();
                all.add("--gpu-architecture=sm_" + computeCapability);
                all.addAll(options);
                MemorySegment opts = a.allocate(ADDRESS, all.size());
                for (int k = 0; k < all.size(); k++) {
                    opts.setAtIndex(ADDRESS, k, a.allocateFrom(all.get(k)));
                }
                int result = (int) compile.invokeExact(prog, all.size(), opts);
                String text = log(a, prog);
                if (result != 0) {
                    throw new CudaException("nvrtcCompileProgram(" + name + ", " + all + ") failed: " + errorName(result)
                            + "\n--- compiler log ---\n" + text + "\n--- source ---\n" + numbered(source), result);
                }
                return new Compiled(bytes(a, prog, cubinSize, cubin), ptxOrNull(a, prog), text);
            } finally {
                check((int) destroy.invokeExact(program), "nvrtcDestroyProgram");
            }
        } catch (Throwable t) {
            throw Driver.rethrow(t);
        }
    }

    private String log(Arena a, MemorySegment prog) throws Throwable {
        MemorySegment size = a.allocate(JAVA_LONG);
        check((int) logSize.invokeExact(prog, size), "nvrtcGetProgramLogSize");
        long n = size.get(JAVA_LONG, 0);
        if (n <= 1) {
            return "";
        }
        MemorySegment text = a.allocate(n);
        check((int) log.invokeExact(prog, text), "nvrtcGetProgramLog");
        return text.getString(0);
    }

    /** The bytes of an output, or null when NVRTC produced none (e.g. PTX when compiling for a real architecture). */
    private byte[] bytes(Arena a, MemorySegment prog, MethodHandle sizeOf, MethodHandle get) throws Throwable {
        MemorySegment size = a.allocate(JAVA_LONG);
        if ((int) sizeOf.invokeExact(prog, size) != 0 || size.get(JAVA_LONG, 0) == 0) {
            return null;
        }
        MemorySegment out = a.allocate(size.get(JAVA_LONG, 0));
        if ((int) get.invokeExact(prog, out) != 0) {
            return null;
        }
        return out.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
    }

    private String ptxOrNull(Arena a, MemorySegment prog) throws Throwable {
        byte[] b = bytes(a, prog, ptxSize, ptx);
        if (b == null) {
            return null;
        }
        int end = 0;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, 0, end, java.nio.charset.StandardCharsets.US_ASCII);
    }

    private static String numbered(String source) {
        StringBuilder s = new StringBuilder();
        String[] lines = source.split("\n", -1);
        for (int k = 0; k < lines.length; k++) {
            s.append(String.format("%4d  %s%n", k + 1, lines[k]));
        }
        return s.toString();
    }
}
