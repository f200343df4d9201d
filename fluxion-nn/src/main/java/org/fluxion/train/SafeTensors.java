package org.fluxion.train;

import static org.fluxion.tensor.TensorInternals.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.data.AtomicFiles;
import org.fluxion.data.DataFileException;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format,
 * which PyTorch, JAX and Hugging Face tools read without executing code (unlike pickle).
 *
 * <p>Layout: an 8-byte little-endian unsigned header length {@code N}; {@code N} bytes of UTF-8 JSON
 * {@code {name: {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...,
 * "__metadata__": {string: string}}} (padded with spaces to a multiple of 8 so that the data is
 * aligned); then the data section, each tensor's elements row-major, little-endian, at
 * {@code [8 + N + begin, 8 + N + end)}.
 *
 * <p>Supported dtypes: F32, F64, I32, I64, BOOL (one byte, 0 or 1), F16, BF16 (the raw 16 bits, as
 * Hugging Face checkpoints hold them), I8 and U8. Writing is atomic (see
 * {@link AtomicFiles}). A malformed file gives a {@link DataFileException} naming the file and the
 * byte offset.
 */
public final class SafeTensors {
    /** The reference implementation's limit; a larger header is almost surely a corrupt length. */
    static final long MAX_HEADER_BYTES = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CHUNK = 1 << 16;

    private SafeTensors() {
    }

    /**
     * The content of a safetensors file.
     *
     * @param tensors by name, in header order; each has its own storage
     * @param metadata the {@code "__metadata__"} strings, empty when absent
     */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
        public Contents {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    /**
     * Writes {@code tensors} (in the map's iteration order) and {@code metadata} to {@code path}
     * atomically: on any failure, including one thrown by the map itself midway, the previous file at
     * {@code path} is left as it was and no temporary file remains.
     */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata)
            throws IOException {
        AtomicFiles.write(path, out -> {
            // Two passes over the map rather than a copy: a checkpoint should not double the model's memory.
            List<Described> described = describe(tensors);
            byte[] header = header(described, metadata);
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
            out.write(length.array());
            out.write(header);
            int i = 0;
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                Described d = i < described.size() ? described.get(i) : null;
                if (d == null || !d.name.equals(e.getKey()) || !d.shape.equals(e.getValue().shape())
                        || d.dtype.dtype() != e.getValue().dtype()) {
                    throw new IllegalStateException("safetensors: tensor map changed while writing " + path
                            + " (at '" + e.getKey() + "')");
                }
                writeData(e.getValue(), out);
                i++;
            }
            if (i != described.size()) {
                throw new IllegalStateException("safetensors: tensor map changed while writing " + path);
            }
        });
    }

    /** Reads all tensors and the metadata of {@code path}. */
    public static Contents read(Path path) throws IOException {
        String source = path.toString();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < SafeTensorsHeader.HEADER_START) {
                throw DataFileException.atOffset(source, 0, "truncated: the file has " + size
                        + " bytes, a safetensors file starts with an 8-byte header length");
            }
            long headerLength = readFully(channel, 0, 8, source).order(ByteOrder.LITTLE_ENDIAN).getLong();
            long available = size - SafeTensorsHeader.HEADER_START;
            if (headerLength < 0 || headerLength > available) {
                throw DataFileException.atOffset(source, 0, "header length " + Long.toUnsignedString(headerLength)
                        + " goes beyond the end of the file (" + available + " bytes follow the length)");
            }
            if (headerLength > MAX_HEADER_BYTES) {
                throw DataFileException.atOffset(source, 0, "header length " + headerLength + " exceeds the limit of "
                        + MAX_HEADER_BYTES + " bytes");
            }
            byte[] json = readFully(channel, SafeTensorsHeader.HEADER_START, (int) headerLength, source).array();
            long dataStart = SafeTensorsHeader.HEADER_START + headerLength;
            SafeTensorsHeader header = SafeTensorsHeader.parse(json, source, size - dataStart);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (SafeTensorsHeader.Entry e : header.entries()) {
                ByteBuffer bytes = readFully(channel, dataStart + e.begin(), (int) (e.end() - e.begin()), source);
                tensors.put(e.name(), decode(bytes.order(ByteOrder.LITTLE_ENDIAN), e.dtype(), e.shape()));
            }
            return new Contents(tensors, header.metadata());
        }
    }

    private record Described(String name, SafeTensorsDType dtype, Shape shape) {
        long bytes() {
            return (long) shape.size() * dtype.byteSize();
        }
    }

    private static List<Described> describe(Map<String, Tensor> tensors) {
        List<Described> out = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (SafeTensorsHeader.METADATA_KEY.equals(e.getKey())) {
                throw new IllegalArgumentException("safetensors: '__metadata__' is reserved, not a tensor name");
            }
            Tensor t = e.getValue();
            out.add(new Described(e.getKey(), SafeTensorsDType.of(t.dtype()), t.shape()));
        }
        return out;
    }

    private static byte[] header(List<Described> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(SafeTensorsHeader.METADATA_KEY);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Described d : tensors) {
            ObjectNode entry = root.putObject(d.name);
            entry.put("dtype", d.dtype.name());
            ArrayNode shape = entry.putArray("shape");
            for (int dim : d.shape.dims()) {
                shape.add(dim);
            }
            entry.putArray("data_offsets").add(offset).add(offset + d.bytes());
            offset += d.bytes();
        }
        byte[] json = JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
        // Spaces to a multiple of 8 keep the data section 8-byte aligned for readers that map the file.
        int padded = (json.length + 7) & ~7;
        byte[] out = new byte[padded];
        System.arraycopy(json, 0, out, 0, json.length);
        java.util.Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static void writeData(Tensor tensor, OutputStream out) throws IOException {
        DType dtype = tensor.dtype();
        int n = tensor.size();
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        // A dense tensor is written straight from its storage; views are copied once.
        Object array = tensor.isContiguous() && tensor.offset() == 0 && storage(tensor).length() == n
                ? storage(tensor).array() : storage(tensor.copy()).array();
        for (int i = 0; i < n; i++) {
            if (buffer.remaining() < 8) {
                out.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
            switch (dtype) {
                case FLOAT32 -> buffer.putFloat(((float[]) array)[i]);
                case FLOAT64 -> buffer.putDouble(((double[]) array)[i]);
                case INT32 -> buffer.putInt(((int[]) array)[i]);
                case INT64 -> buffer.putLong(((long[]) array)[i]);
                case BOOL -> buffer.put((byte) (((boolean[]) array)[i] ? 1 : 0));
                case FLOAT16, BFLOAT16 -> buffer.putShort(((short[]) array)[i]);
                case INT8, UINT8 -> buffer.put(((byte[]) array)[i]);
            }
        }
        out.write(buffer.array(), 0, buffer.position());
    }

    private static Tensor decode(ByteBuffer bytes, SafeTensorsDType dtype, Shape shape) {
        int n = shape.size();
        Object array = switch (dtype) {
            case F32 -> {
                float[] a = new float[n];
                bytes.asFloatBuffer().get(a);
                yield a;
            }
            case F64 -> {
                double[] a = new double[n];
                bytes.asDoubleBuffer().get(a);
                yield a;
            }
            case I32 -> {
                int[] a = new int[n];
                bytes.asIntBuffer().get(a);
                yield a;
            }
            case I64 -> {
                long[] a = new long[n];
                bytes.asLongBuffer().get(a);
                yield a;
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = bytes.get(i) != 0;
                }
                yield a;
            }
            case F16, BF16 -> {
                short[] a = new short[n];
                bytes.asShortBuffer().get(a);
                yield a;
            }
            case I8, U8 -> {
                byte[] a = new byte[n];
                bytes.get(a);
                yield a;
            }
        };
        return Tensor.wrap(Storage.wrap(dtype.dtype(), array), shape);
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length, String source)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, position + buffer.position());
            if (read < 0) {
                throw DataFileException.atOffset(source, position + buffer.position(), "truncated: expected "
                        + length + " bytes from offset " + position + ", the file ends here");
            }
        }
        return buffer.flip();
    }
}
