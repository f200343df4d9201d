package org.fluxion.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * One shared library opened with {@link SymbolLookup#libraryLookup}, kept loaded for the life of the JVM
 * (the global arena: CUDA libraries cannot be unloaded safely while contexts may still use them), and
 * downcall handles to its functions.
 */
final class NativeLibrary {
    private static final Linker LINKER = Linker.nativeLinker();
    private final String name;
    private final Path file;
    private final SymbolLookup lookup;

    NativeLibrary(String name, Path file) {
        this.name = name;
        this.file = file;
        try {
            this.lookup = SymbolLookup.libraryLookup(file, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(name + ": cannot load " + file + ": " + e.getMessage(), e);
        }
    }

    Path file() {
        return file;
    }

    /**
     * A downcall handle to the first of {@code symbols} the library exports (CUDA keeps old names next to
     * versioned ones such as {@code cuMemAlloc_v2}; the versioned one comes first).
     */
    MethodHandle function(FunctionDescriptor descriptor, String... symbols) {
        for (String s : symbols) {
            Optional<MemorySegment> address = lookup.find(s);
            if (address.isPresent()) {
                return LINKER.downcallHandle(address.get(), descriptor);
            }
        }
        throw new IllegalStateException(name + " (" + file + ") exports none of " + Arrays.toString(symbols));
    }
}
