package org.fluxion.gpu;

import java.nio.file.Path;
import java.util.List;

/** No file of a CUDA library was found on the search path; the message names every place looked at. */
public final class CudaLibraryNotFoundException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CudaLibraryNotFoundException(String library, List<String> fileNames, List<Path> searched) {
        super("CUDA library " + library + " not found: looked for " + fileNames + " in " + searched.size()
                + " director" + (searched.size() == 1 ? "y" : "ies") + " " + searched
                + " (set CUDA_HOME, the system property " + CudaLibraries.PATH_PROPERTY
                + ", or pass a CudaLibraries.SearchPath with the directory that holds it)");
    }
}
