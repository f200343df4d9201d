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
    private static final String KIND = "an IDX file (the MNIST format, raw or .gz)";
    private static final int HEADER_START = 4;

    private IdxReader() {
    }

    /**
     * The whole file as a tensor of the header's shape: integer types as int32, float32 and float64
     * as themselves.
     */
    public static Tensor read(Path file) throws IOException {
        try (DataStream in = DataStream.open(file, KIND)) {
            Header h = header(in);
            byte[] data = payload(in, h);
            int n = h.shape.size();
            ByteBuffer buf = ByteBuffer.wrap(data).order(ByteOrder.BIG_ENDIAN);
            Object array = switch (h.type) {
                case UBYTE -> {
                    int[] a = new int[n];
                    for (int i = 0; i < n; i++) {
                        a[i] = data[i] & 0xff;
                    }
                    yield a;
                }
                case BYTE -> {
                    int[] a = new int[n];
                    for (int i = 0; i < n; i++) {
                        a[i] = data[i];
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
    }

    /**
     * Images of unsigned bytes, rank 3 {@code [N, rows, cols]}, as float32 of the same shape: scaled
     * to {@code [0, 1]} (divided by 255) when {@code scale}, else the raw values 0..255.
     */
    public static Tensor readImages(Path file, boolean scale) throws IOException {
        try (DataStream in = DataStream.open(file, KIND)) {
            Header h = header(in);
            expect(in, h, ElementType.UBYTE, 3, "images");
            byte[] data = payload(in, h);
            float[] a = new float[data.length];
            // Division (not multiplication by 1/255) so that v/255 is the correctly rounded float.
            float divisor = scale ? 255f : 1f;
            for (int i = 0; i < a.length; i++) {
                a[i] = (data[i] & 0xff) / divisor;
            }
            return Tensor.wrap(Storage.wrap(DType.FLOAT32, a), h.shape);
        }
    }

    /**
     * Images of unsigned bytes, rank 3 {@code [N, rows, cols]}, with their labels ({@link #readLabels}), as a
     * dataset that keeps the bytes and makes each batch float32 (scaled to {@code [0, 1]} when {@code scale}):
     * a quarter of the memory of {@link #readImages}.
     */
    public static ByteImageDataset readImageDataset(Path images, Path labels, boolean scale) throws IOException {
        byte[][] blocks;
        Shape shape;
        try (DataStream in = DataStream.open(images, KIND)) {
            Header h = header(in);
            expect(in, h, ElementType.UBYTE, 3, "images");
            shape = h.shape;
            int sample = Math.max(1, shape.dim(1) * shape.dim(2));
            // blocks of whole images, about 1 MiB each
            blocks = in.readBlocks(h.payloadBytes(), Math.max(1, (1 << 20) / sample) * sample,
                    "data for shape " + Arrays.toString(shape.dims()) + " of " + h.type);
            in.expectEnd("the data of shape " + Arrays.toString(shape.dims()));
        }
        Tensor y = readLabels(labels);
        if (y.dim(0) != shape.dim(0)) {
            throw DataFileException.atOffset(labels.toString(), HEADER_START, "dimension " + y.dim(0) + ": "
                    + y.dim(0) + " labels for the " + shape.dim(0) + " images of " + images);
        }
        return new ByteImageDataset(blocks, shape, y, scale);
    }

    /** Labels of unsigned bytes, rank 1 {@code [N]}, as int64 {@code [N]}. */
    public static Tensor readLabels(Path file) throws IOException {
        try (DataStream in = DataStream.open(file, KIND)) {
            Header h = header(in);
            expect(in, h, ElementType.UBYTE, 1, "labels");
            byte[] data = payload(in, h);
            long[] a = new long[data.length];
            for (int i = 0; i < a.length; i++) {
                a[i] = data[i] & 0xff;
            }
            return Tensor.wrap(Storage.wrap(DType.INT64, a), h.shape);
        }
    }

    private static void expect(DataStream in, Header h, ElementType type, int rank, String what)
            throws DataFileException {
        if (h.type != type) {
            throw DataFileException.atOffset(in.source(), 2, "expected " + what + " of type code 0x"
                    + Integer.toHexString(type.code) + " (" + type + "), found 0x" + Integer.toHexString(h.type.code));
        }
        if (h.shape.rank() != rank) {
            throw DataFileException.atOffset(in.source(), 3, "expected " + what + " of rank " + rank
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

    private record Header(ElementType type, Shape shape) {
        long payloadBytes() {
            return (long) shape.size() * type.bytes;
        }
    }

    /** The magic number and dimensions; the stream is left at the first element. */
    private static Header header(DataStream in) throws DataFileException {
        byte[] magic = in.read(HEADER_START, "IDX magic number");
        int code = magic[2] & 0xff;
        if (magic[0] != 0 || magic[1] != 0) {
            throw DataFileException.atOffset(in.source(), 0, String.format(
                    "bad magic number 0x%02x%02x%02x%02x: an IDX file starts with two zero bytes",
                    magic[0], magic[1], magic[2], magic[3]));
        }
        ElementType type = Arrays.stream(ElementType.values()).filter(t -> t.code == code).findFirst()
                .orElseThrow(() -> DataFileException.atOffset(in.source(), 2, "unknown IDX type code 0x"
                        + Integer.toHexString(code) + ", expected one of 08 09 0b 0c 0d 0e"));
        int rank = magic[3] & 0xff;
        if (rank == 0) {
            throw DataFileException.atOffset(in.source(), 3, "IDX rank 0: expected at least one dimension");
        }
        ByteBuffer header = ByteBuffer.wrap(in.read(4L * rank, rank + " big-endian int32 dimensions"));
        int[] dims = new int[rank];
        long size = 1;
        for (int i = 0; i < rank; i++) {
            int offset = HEADER_START + 4 * i;
            dims[i] = header.getInt();
            if (dims[i] < 0) {
                throw DataFileException.atOffset(in.source(), offset, "negative dimension " + dims[i]);
            }
            size *= dims[i];
            // Java arrays index with int: a larger tensor cannot be held, whatever the file says.
            if (size * type.bytes > Integer.MAX_VALUE - 64) {
                throw DataFileException.atOffset(in.source(), offset, "dimensions " + Arrays.toString(
                        Arrays.copyOf(dims, i + 1)) + " exceed the 2 GiB a Java array can hold");
            }
        }
        return new Header(type, Shape.of(dims));
    }

    /** Exactly the elements the header promises, and nothing after them. */
    private static byte[] payload(DataStream in, Header h) throws DataFileException {
        String what = "data for shape " + Arrays.toString(h.shape.dims()) + " of " + h.type;
        byte[] data = in.read(h.payloadBytes(), what);
        in.expectEnd("the data of shape " + Arrays.toString(h.shape.dims()));
        return data;
    }
}
