package org.fluxion.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The ONNX backend tests of Debian's libonnx-testdata, when installed: the pass counts must not fall below
 * what this importer reached (raise them when it reaches more). Unsupported tests (sequence and optional
 * graph values, unsigned and 16-bit integer types, quantized and training operators, string outputs under
 * jit, ...) do not count.
 */
class ConformanceTest {
    private static final Path DATA = Path.of("/usr/share/libonnx-testdata/data");

    @ParameterizedTest(name = "{0} jit={1}")
    @CsvSource({
        "node, false, 814",
        "node, true, 805",
        "pytorch-converted, false, 82",
        "pytorch-converted, true, 82",
        "pytorch-operator, false, 35",
        "pytorch-operator, true, 35",
        "simple, false, 23",
        "simple, true, 17",
    })
    void passCountsDoNotRegress(String suite, boolean jit, int atLeast) {
        Path dir = DATA.resolve(suite);
        assumeTrue(Files.isDirectory(dir), "libonnx-testdata is not installed (" + dir
                + " missing): apt-get install libonnx-testdata to run the ONNX conformance suite");
        Conformance.Result r = Conformance.run(dir, jit);
        Conformance.print(r, System.out, true);
        assertTrue(r.passed().size() >= atLeast, r.summary() + ", expected at least " + atLeast + " passed; failed: "
                + r.failed());
    }
}
