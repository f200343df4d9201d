package org.fluxion.onnx;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.fluxion.onnx.proto.OnnxProto.StringStringEntryProto;
import org.fluxion.onnx.proto.OnnxProto.TensorProto;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;

/**
 * {@code TensorProto} to and from {@link Tensor}: raw little-endian bytes, the typed repeated fields, and
 * external data files. Every length is checked against the element count the dims declare before an array is
 * allocated, so a corrupt file costs at most what it holds; errors name the tensor and the file.
 */
public final class TensorProtos {
    private TensorProtos() {
    }

    /**
     * A message's dims, checked: each non-negative and their product at most {@link Shape#MAX_SIZE}, so no
     * reader allocates more than a tensor may hold. {@code what} names the tensor for messages.
     */
    static int[] dims(TensorProto p, String what) {
        int[] dims = new int[p.getDimsCount()];
        long count = 1;
        for (int i = 0; i < dims.length; i++) {
            long d = p.getDims(i);
            if (d < 0 || d > Shape.MAX_SIZE) {
                throw new OnnxException(what + ": dimension " + i + " is " + d);
            }
            dims[i] = (int) d;
            count *= d;
            if (count > Shape.MAX_SIZE) {
                throw new OnnxException(what + ": dims " + p.getDimsList() + " hold more than "
                        + Shape.MAX_SIZE + " elements");
            }
        }
        return dims;
    }

    /**
     * The tensor a message holds. {@code baseDir} is the directory external data paths are relative to (null
     * when the model came from bytes: such a model may not reference external data); {@code where} names the
     * file for messages.
     */
    public static Tensor read(TensorProto p, Path baseDir, String where) {
        String what = "tensor '" + p.getName() + "' in " + where;
        DType dtype = ElementType.dtype(p.getDataType());
        if (dtype == null) {
            throw new UnsupportedModelException(where, List.of(ElementType.name(p.getDataType()) + " " + what));
        }
        int[] dims = dims(p, what);
        int n = Shape.of(dims).size();
        long count = n;
        long bytes = count * dtype.byteSize();
        if (p.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return fromBytes(external(p, baseDir, bytes, what), dtype, dims, n);
        }
        if (!p.getRawData().isEmpty() || typedCount(p, dtype) == 0) {
            if (p.getRawData().size() != bytes) {
                throw new OnnxException(what + ": raw_data holds " + p.getRawData().size() + " bytes, but dims "
                        + p.getDimsList() + " of " + dtype + " need " + bytes);
            }
            return fromBytes(p.getRawData().asReadOnlyByteBuffer(), dtype, dims, n);
        }
        if (typedCount(p, dtype) != n) {
            throw new OnnxException(what + ": holds " + typedCount(p, dtype) + " values, but dims "
                    + p.getDimsList() + " need " + n);
        }
        return switch (dtype) {
            case FLOAT32 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) a[i] = p.getFloatData(i);
                yield Tensor.of(a, dims);
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) a[i] = p.getDoubleData(i);
                yield Tensor.of(a, dims);
            }
            case INT32 -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) a[i] = p.getInt32Data(i);
                yield Tensor.of(a, dims);
            }
            case INT64 -> {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) a[i] = p.getInt64Data(i);
                yield Tensor.of(a, dims);
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) a[i] = p.getInt32Data(i) != 0;
                yield Tensor.of(a, dims);
            }
            // int32_data holds a 16-bit float's bits in its low half, and an 8-bit integer's value.
            case FLOAT16, BFLOAT16 -> {
                short[] a = new short[n];
                for (int i = 0; i < n; i++) a[i] = (short) p.getInt32Data(i);
                yield Tensor.wrap(Storage.wrap(dtype, a), Shape.of(dims));
            }
            case INT8, UINT8 -> {
                byte[] a = new byte[n];
                for (int i = 0; i < n; i++) a[i] = (byte) p.getInt32Data(i);
                yield Tensor.wrap(Storage.wrap(dtype, a), Shape.of(dims));
            }
        };
    }

    /** The number of values in the typed field that holds {@code dtype} (bools, 16-bit floats, 8-bit ints live in int32_data). */
    private static int typedCount(TensorProto p, DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> p.getFloatDataCount();
            case FLOAT64 -> p.getDoubleDataCount();
            case INT32, BOOL, FLOAT16, BFLOAT16, INT8, UINT8 -> p.getInt32DataCount();
            case INT64 -> p.getInt64DataCount();
        };
    }

    private static Tensor fromBytes(ByteBuffer raw, DType dtype, int[] dims, int n) {
        ByteBuffer b = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return switch (dtype) {
            case FLOAT32 -> {
                float[] a = new float[n];
                b.asFloatBuffer().get(a);
                yield Tensor.of(a, dims);
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                b.asDoubleBuffer().get(a);
                yield Tensor.of(a, dims);
            }
            case INT32 -> {
                int[] a = new int[n];
                b.asIntBuffer().get(a);
                yield Tensor.of(a, dims);
            }
            case INT64 -> {
                long[] a = new long[n];
                b.asLongBuffer().get(a);
                yield Tensor.of(a, dims);
            }
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) a[i] = b.get(i) != 0;
                yield Tensor.of(a, dims);
            }
            case FLOAT16, BFLOAT16 -> {
                short[] a = new short[n];
                b.asShortBuffer().get(a);
                yield Tensor.wrap(Storage.wrap(dtype, a), Shape.of(dims));
            }
            case INT8, UINT8 -> {
                byte[] a = new byte[n];
                b.get(a);
                yield Tensor.wrap(Storage.wrap(dtype, a), Shape.of(dims));
            }
        };
    }

    /**
     * The bytes of an external tensor: {@code location} relative to the model's directory (and inside it),
     * {@code offset} and {@code length} within the file's size, and length equal to what the dims need.
     */
    private static ByteBuffer external(TensorProto p, Path baseDir, long bytes, String what) {
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : p.getExternalDataList()) {
            try {
                switch (e.getKey()) {
                    case "location" -> location = e.getValue();
                    case "offset" -> offset = Long.parseLong(e.getValue());
                    case "length" -> length = Long.parseLong(e.getValue());
                    default -> { }
                }
            } catch (NumberFormatException ex) {
                throw new OnnxException(what + ": external_data " + e.getKey() + " '" + e.getValue()
                        + "' is not a number");
            }
        }
        if (location == null) {
            throw new OnnxException(what + ": external data without a location");
        }
        if (baseDir == null) {
            throw new OnnxException(what + ": external data '" + location
                    + "' needs the model's directory; load the model from a file");
        }
        Path dir = baseDir.toAbsolutePath().normalize();
        Path file = dir.resolve(location).normalize();
        if (!file.startsWith(dir)) {
            throw new OnnxException(what + ": external data location '" + location + "' leaves the model directory "
                    + dir);
        }
        if (length >= 0 && length != bytes) {
            throw new OnnxException(what + ": external data length " + length + " differs from the " + bytes
                    + " bytes its dims need");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (offset < 0 || offset > size || bytes > size - offset) {
                throw new OnnxException(what + ": external data " + file + " has " + size + " bytes, but offset "
                        + offset + " and length " + bytes + " reach past its end");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) bytes);
            long position = offset;
            while (buffer.hasRemaining()) {
                int read = ch.read(buffer, position);
                if (read < 0) {
                    throw new OnnxException(what + ": external data " + file + " ended at byte " + position);
                }
                position += read;
            }
            return buffer.flip();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new OnnxException(what + ": external data file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new OnnxException(what + ": cannot read external data " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a file holding one serialized {@code TensorProto} (the conformance suite's input_0.pb). */
    public static Tensor readFile(Path file) {
        try {
            TensorProto p = TensorProto.parseFrom(Files.readAllBytes(file));
            return read(p, file.getParent(), file.toString());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new OnnxException(file + " is not a TensorProto: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new OnnxException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The message for a concrete tensor: dims, element type and little-endian raw_data. */
    public static TensorProto write(Tensor t, String name) {
        int n = t.size();
        ByteBuffer b = ByteBuffer.allocate(n * t.dtype().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case FLOAT32 -> b.asFloatBuffer().put(t.toFloatArray());
            case FLOAT64 -> b.asDoubleBuffer().put(t.toDoubleArray());
            case INT32 -> b.asIntBuffer().put(t.toIntArray());
            case INT64 -> b.asLongBuffer().put(t.toLongArray());
            case BOOL -> {
                boolean[] a = t.toBooleanArray();
                for (int i = 0; i < n; i++) b.put(i, (byte) (a[i] ? 1 : 0));
            }
            case FLOAT16, BFLOAT16 -> b.asShortBuffer().put((short[]) TensorInternals.storage(t.copy()).array(), 0, n);
            case INT8, UINT8 -> b.put((byte[]) TensorInternals.storage(t.copy()).array(), 0, n);
        }
        TensorProto.Builder p = TensorProto.newBuilder().setName(name).setDataType(ElementType.code(t.dtype()))
                .setRawData(ByteString.copyFrom(b.array()));
        for (int d : t.dims()) {
            p.addDims(d);
        }
        return p.build();
    }
}
