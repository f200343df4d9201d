package org.fluxion.train;

import static org.fluxion.data.HostileInputs.assertReadOrRejected;
import static org.fluxion.data.HostileInputs.assertRejected;
import static org.fluxion.data.HostileInputs.flips;
import static org.fluxion.data.HostileInputs.prefixes;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.data.DataFileException;
import org.fluxion.data.HostileInputs;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Safetensors files and checkpoints against truncation, overflowing shapes, lying headers and
 * fuzzed bytes, under the contract of {@link HostileInputs}. (The format is not compressed, so it has
 * no bombs; a header length or data offsets that promise more than the file holds play their part.)
 */
class HostileSafeTensorsTest {
    private static final long SMALL = 2 << 20;
    private static final int FUZZ_CASES = Integer.getInteger("fuzz.cases", 150);
    private static final HostileInputs.Reader SAFETENSORS = SafeTensors::read;
    private static final HostileInputs.Reader CHECKPOINT = Checkpoint::load;

    @TempDir
    Path dir;

    private byte[] valid() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        tensors.put("n", Tensor.of(new long[] {7}, 1));
        tensors.put("b", Tensor.of(new boolean[] {true, false}, 2));
        Path file = dir.resolve("valid.safetensors");
        SafeTensors.write(file, tensors, Map.of("epoch", "3"));
        return Files.readAllBytes(file);
    }

    private byte[] checkpoint() throws IOException {
        Path file = dir.resolve("valid.ckpt");
        Checkpoint.save(file, Map.of("0.weight", Tensor.ones(2, 2)), Map.of("step", Tensor.scalar(3, DType.INT64)),
                Map.of("epoch", "1"));
        return Files.readAllBytes(file);
    }

    /** A safetensors file of {@code header} (JSON) and {@code dataBytes} zero bytes. */
    private static byte[] file(String header, int dataBytes) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(json.length).put(json).array();
    }

    @Test
    void truncatedFilesAreRejectedAtEveryLength() throws IOException {
        for (byte[] prefix : prefixes(valid())) {
            assertRejected(dir.resolve("t.safetensors"), prefix, SAFETENSORS, SMALL);
        }
        for (byte[] prefix : prefixes(checkpoint())) {
            assertRejected(dir.resolve("t.ckpt"), prefix, CHECKPOINT, SMALL);
        }
    }

    @Test
    void fuzzedFilesReadOrAreRejected() throws IOException {
        for (byte[] b : flips(valid(), 11, FUZZ_CASES)) {
            assertReadOrRejected(dir.resolve("f.safetensors"), b, SAFETENSORS, SMALL);
        }
        for (byte[] b : flips(checkpoint(), 12, FUZZ_CASES)) {
            assertReadOrRejected(dir.resolve("f.ckpt"), b, CHECKPOINT, SMALL);
        }
    }

    @Test
    void overflowingShapesNameTheFileAndEntry() throws IOException {
        Path file = dir.resolve("shape.safetensors");
        for (String shape : List.of("[2147483647]", "[65536,65536]", "[4611686018427387905,4]", "[2147483648]",
                "[1e3]")) {
            DataFileException e = assertRejected(file, file("{\"w\":{\"dtype\":\"F32\",\"shape\":" + shape
                    + ",\"data_offsets\":[0,4]}}", 4), SAFETENSORS, SMALL);
            assertTrue(e.getMessage().contains("offset 9") && e.getMessage().contains("tensor 'w'"), e.getMessage());
        }
        // Fits an int array of elements but not one byte array.
        assertRejected(file, file("{\"w\":{\"dtype\":\"F64\",\"shape\":[1000000000],\"data_offsets\":[0,8000000000]}}",
                0), SAFETENSORS, SMALL);
    }

    @Test
    void headersThatPromiseMoreThanTheFileFailBeforeAllocatingIt() throws IOException {
        Path file = dir.resolve("lying.safetensors");
        byte[] huge = file("{}", 0);
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 90L << 20);
        assertRejected(file, huge, SAFETENSORS, SMALL);
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -8);
        assertRejected(file, huge, SAFETENSORS, SMALL);
        assertRejected(file, file("{\"w\":{\"dtype\":\"U16\",\"shape\":[],\"data_offsets\":[0,2]}}", 2),
                SAFETENSORS, SMALL);
        assertRejected(file, file("{\"w\":{\"dtype\":\"F32\",\"shape\":[500000000],\"data_offsets\":[0,2000000000]}}",
                8), SAFETENSORS, SMALL);
        // Deep nesting: the JSON parser's depth limit, not a stack overflow.
        assertRejected(file, file("{\"w\":" + "[".repeat(100_000) + "}", 0), SAFETENSORS, SMALL);
        assertRejected(file, file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4 + 3),
                CHECKPOINT, SMALL);
    }
}
