package org.fluxion.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST, raw or gzip-compressed (detected by the
 * gzip magic bytes, not by the file name).
 *
 * <p>Layout: two zero bytes, a type code ({@code 08} unsigned byte, {@code 09} signed byte,
 * {@code 0B} int16, {@code 0C} int32, {@code 0D} float32, {@code 0E} float64), the rank, one
 * big-endian int32 per dimension, then the elements in row-major big-endian order. The data must
 * be exactly as long as the dimensions say: a short file is reported as truncated, a long one as
 * having trailing bytes, both with the file and byte offset.
 */
public final class IdxReader {
    private static final int HEADER_START = 4;

    private IdxReader() {
    }

    /**
     * The whole file as a tensor of the header's shape: integer types as int32, float32 and float64
     * as themselves.
     */
    public static Tensor read(Path file) throws IOException {
        FileBytes bytes = FileBytes.read(file);
        Header h = header(bytes);
        int n = h.shape.size();
        ByteBuffer buf = ByteBuffer.wrap(bytes.data(), h.dataOffset, n * h.type.bytes).order(ByteOrder.BIG_ENDIAN);
        Object array = switch (h.type) {
            case UBYTE -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = bytes.u8(h.dataOffset + i);
                }
                yield a;
            }
            case BYTE -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = bytes.data()[h.dataOffset + i];
                }
                yield a;
            }
            case SHORT -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = buf.getShort();
                }
                yield a;
            }
            case INT -> {
                int[] a = new int[n];
                buf.asIntBuffer().get(a);
                yield a;
            }
            case FLOAT -> {
                float[] a = new float[n];
                buf.asFloatBuffer().get(a);
                yield a;
            }
            case DOUBLE -> {
                double[] a = new double[n];
                buf.asDoubleBuffer().get(a);
                yield a;
            }
        };
        return Tensor.wrap(Storage.wrap(h.type.dtype, array), h.shape);
    }

    /**
     * Images of unsigned bytes, rank 3 {@code [N, rows, cols]}, as float32 of the same shape: scaled
     * to {@code [0, 1]} (divided by 255) when {@code scale}, else the raw values 0..255.
     */
    public static Tensor readImages(Path file, boolean scale) throws IOException {
        FileBytes bytes = FileBytes.read(file);
        Header h = header(bytes);
        expect(bytes, h, ElementType.UBYTE, 3, "images");
        int n = h.shape.size();
        float[] a = new float[n];
        // Division (not multiplication by 1/255) so that v/255 is the correctly rounded float.
        float divisor = scale ? 255f : 1f;
        for (int i = 0; i < n; i++) {
            a[i] = bytes.u8(h.dataOffset + i) / divisor;
        }
        return Tensor.wrap(Storage.wrap(DType.FLOAT32, a), h.shape);
    }

    /** Labels of unsigned bytes, rank 1 {@code [N]}, as int64 {@code [N]}. */
    public static Tensor readLabels(Path file) throws IOException {
        FileBytes bytes = FileBytes.read(file);
        Header h = header(bytes);
        expect(bytes, h, ElementType.UBYTE, 1, "labels");
        int n = h.shape.size();
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = bytes.u8(h.dataOffset + i);
        }
        return Tensor.wrap(Storage.wrap(DType.INT64, a), h.shape);
    }

    private static void expect(FileBytes bytes, Header h, ElementType type, int rank, String what)
            throws DataFileException {
        if (h.type != type) {
            throw DataFileException.atOffset(bytes.source(), 2, "expected " + what + " of type code 0x"
                    + Integer.toHexString(type.code) + " (" + type + "), found 0x" + Integer.toHexString(h.type.code));
        }
        if (h.shape.rank() != rank) {
            throw DataFileException.atOffset(bytes.source(), 3, "expected " + what + " of rank " + rank
                    + ", found rank " + h.shape.rank() + " " + h.shape);
        }
    }

    private enum ElementType {
        UBYTE(0x08, 1, DType.INT32), BYTE(0x09, 1, DType.INT32), SHORT(0x0B, 2, DType.INT32),
        INT(0x0C, 4, DType.INT32), FLOAT(0x0D, 4, DType.FLOAT32), DOUBLE(0x0E, 8, DType.FLOAT64);

        final int code;
        final int bytes;
        final DType dtype;

        ElementType(int code, int bytes, DType dtype) {
            this.code = code;
            this.bytes = bytes;
            this.dtype = dtype;
        }
    }

    private record Header(ElementType type, Shape shape, int dataOffset) {
    }

    private static Header header(FileBytes b) throws DataFileException {
        b.require(0, HEADER_START, "IDX magic number");
        if (b.u8(0) != 0 || b.u8(1) != 0) {
            throw DataFileException.atOffset(b.source(), 0, String.format(
                    "bad magic number 0x%02x%02x%02x%02x: an IDX file starts with two zero bytes",
                    b.u8(0), b.u8(1), b.u8(2), b.u8(3)));
        }
        int code = b.u8(2);
        ElementType type = Arrays.stream(ElementType.values()).filter(t -> t.code == code).findFirst()
                .orElseThrow(() -> DataFileException.atOffset(b.source(), 2, "unknown IDX type code 0x"
                        + Integer.toHexString(code) + ", expected one of 08 09 0b 0c 0d 0e"));
        int rank = b.u8(3);
        if (rank == 0) {
            throw DataFileException.atOffset(b.source(), 3, "IDX rank 0: expected at least one dimension");
        }
        b.require(HEADER_START, 4L * rank, rank + " big-endian int32 dimensions");
        int[] dims = new int[rank];
        long size = 1;
        for (int i = 0; i < rank; i++) {
            int offset = HEADER_START + 4 * i;
            dims[i] = b.bigEndianInt(offset);
            if (dims[i] < 0) {
                throw DataFileException.atOffset(b.source(), offset, "negative dimension " + dims[i]);
            }
            size *= dims[i];
            // Java arrays index with int: a larger tensor cannot be held, whatever the file says.
            if (size * type.bytes > Integer.MAX_VALUE - 64) {
                throw DataFileException.atOffset(b.source(), offset, "dimensions " + Arrays.toString(
                        Arrays.copyOf(dims, i + 1)) + " exceed the 2 GiB a Java array can hold");
            }
        }
        int dataOffset = HEADER_START + 4 * rank;
        long expected = size * type.bytes;
        b.require(dataOffset, expected, "data for shape " + Arrays.toString(dims) + " of " + type);
        if (dataOffset + expected != b.length()) {
            throw DataFileException.atOffset(b.source(), dataOffset + expected, (b.length() - dataOffset - expected)
                    + " trailing bytes after the data of shape " + Arrays.toString(dims)
                    + " (expected the file to end here)");
        }
        return new Header(type, Shape.of(dims), dataOffset);
    }
}
