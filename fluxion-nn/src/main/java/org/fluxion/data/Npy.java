package org.fluxion.data;

import static org.fluxion.tensor.TensorInternals.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;

/**
 * NumPy's {@code .npy} format, read and written.
 *
 * <p>Layout: the magic {@code \x93NUMPY}, a major and minor version byte, the header length
 * (little-endian uint16 in version 1.0, uint32 in 2.0 and 3.0), an ASCII (3.0: UTF-8) Python dict
 * literal such as {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }} padded so
 * the data starts at a multiple of 64 bytes, then the raw elements.
 *
 * <p>Supported dtypes: {@code f4 f8 i4 i8} (little- or big-endian) and {@code |b1}, mapped to
 * FLOAT32, FLOAT64, INT32, INT64 and BOOL. Only C (row-major) order is read; a Fortran-order file
 * is rejected with a {@link DataFileException} (transpose it in NumPy with
 * {@code np.ascontiguousarray}). Writing uses version 1.0 (2.0 when the header does not fit),
 * little-endian, C order, atomically.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGNMENT = 64;
    /**
     * NumPy writes headers of a few hundred bytes (version 2.0 only past 65535); a larger length field
     * is corruption, and reading it would allocate for nothing.
     */
    static final long MAX_HEADER_BYTES = 1 << 20;
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** Reads a {@code .npy} file into a tensor of its shape and dtype. */
    public static Tensor read(Path file) throws IOException {
        try (DataStream in = DataStream.open(file, "a NumPy .npy array")) {
            return decode(in);
        }
    }

    /** Writes {@code tensor} to a {@code .npy} file, replacing it atomically. */
    public static void write(Path file, Tensor tensor) throws IOException {
        byte[] bytes = encode(tensor);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /**
     * Reads one {@code .npy} array from {@code in}: the header, then exactly the bytes its shape and
     * dtype promise, then the end of the stream.
     */
    static Tensor decode(DataStream in) throws DataFileException {
        String source = in.source();
        byte[] start = in.read(MAGIC.length + 2, "NPY magic number and version");
        if (!Arrays.equals(start, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw DataFileException.atOffset(source, 0, "bad magic number: expected \\x93NUMPY");
        }
        int major = start[6] & 0xff;
        int lengthBytes = switch (major) {
            case 1 -> 2;
            case 2, 3 -> 4;
            default -> throw DataFileException.atOffset(source, 6, "unsupported NPY version " + major + "."
                    + (start[7] & 0xff) + ", expected 1.0, 2.0 or 3.0");
        };
        ByteBuffer le = ByteBuffer.wrap(in.read(lengthBytes, "header length")).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = lengthBytes == 2 ? Short.toUnsignedInt(le.getShort()) : Integer.toUnsignedLong(le.getInt());
        int headerStart = 8 + lengthBytes;
        if (headerLength > MAX_HEADER_BYTES) {
            throw DataFileException.atOffset(source, 8, "header length " + headerLength + " exceeds the limit of "
                    + MAX_HEADER_BYTES + " bytes");
        }
        byte[] headerBytes = in.read(headerLength, "header");
        String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher descr = DESCR.matcher(header);
        Matcher fortran = FORTRAN.matcher(header);
        Matcher shapeMatch = SHAPE.matcher(header);
        if (!descr.find() || !fortran.find() || !shapeMatch.find()) {
            throw DataFileException.atOffset(source, headerStart, "header " + header.strip()
                    + " lacks one of 'descr', 'fortran_order', 'shape'");
        }
        if (fortran.group(1).equals("True")) {
            throw DataFileException.atOffset(source, headerStart, "fortran_order True is not supported;"
                    + " save a C-ordered array (np.ascontiguousarray)");
        }
        Element element = Element.parse(descr.group(1), source, headerStart);
        Shape shape = parseShape(shapeMatch.group(1), element.itemSize, source, headerStart);
        long expected = (long) shape.size() * element.itemSize;
        byte[] data = in.read(expected, "data for shape " + shape + " of " + descr.group(1));
        in.expectEnd("the data of shape " + shape);
        ByteBuffer buf = ByteBuffer.wrap(data).order(element.order);
        int n = shape.size();
        Object array = switch (element.dtype) {
            case FLOAT32 -> {
                float[] a = new float[n];
                buf.asFloatBuffer().get(a);
                yield a;
            }
            case FLOAT64 -> {
                double[] a = new double[n];
                buf.asDoubleBuffer().get(a);
                yield a;
            }
            case INT32 -> {
                int[] a = new int[n];
                buf.asIntBuffer().get(a);
                yield a;
            }
            case INT64 -> {
                long[] a = new long[n];
                buf.asLongBuffer().get(a);
                yield a;
            }
            case FLOAT16, BFLOAT16 -> {
                short[] a = new short[n];
                buf.asShortBuffer().get(a);
                yield a;
            }
            case INT8, UINT8 -> data;
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = data[i] != 0;
                }
                yield a;
            }
        };
        return Tensor.wrap(Storage.wrap(element.dtype, array), shape);
    }

    /** The bytes of a {@code .npy} file holding {@code tensor} (little-endian, C order). */
    static byte[] encode(Tensor tensor) {
        String descr = switch (tensor.dtype()) {
            case FLOAT32 -> "<f4";
            case FLOAT64 -> "<f8";
            case INT32 -> "<i4";
            case INT64 -> "<i8";
            case BOOL -> "|b1";
            case FLOAT16 -> "<f2";
            case INT8 -> "|i1";
            case UINT8 -> "|u1";
            case BFLOAT16 -> throw new IllegalArgumentException("Npy.encode: NumPy has no bfloat16 dtype; convert "
                    + "the tensor with to(DType.FLOAT32) first (exact) or save it as safetensors (BF16)");
        };
        int[] dims = tensor.dims();
        // Python spells a 1-tuple "(3,)" and the empty tuple "()".
        String shape = dims.length == 1 ? "(" + dims[0] + ",)"
                : "(" + String.join(", ", Arrays.stream(dims).mapToObj(Integer::toString).toList()) + ")";
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int lengthBytes = 2;
        int unpadded = MAGIC.length + 2 + lengthBytes + dict.length() + 1;
        if (unpadded > 0xffff) {
            lengthBytes = 4;
            unpadded += 2;
        }
        int padding = (ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT;
        String header = dict + " ".repeat(padding) + "\n";
        int n = tensor.size();
        ByteBuffer buf = ByteBuffer.allocate(unpadded + padding + n * tensor.dtype().byteSize())
                .order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) (lengthBytes == 2 ? 1 : 2)).put((byte) 0);
        if (lengthBytes == 2) {
            buf.putShort((short) header.length());
        } else {
            buf.putInt(header.length());
        }
        buf.put(header.getBytes(StandardCharsets.US_ASCII));
        switch (tensor.dtype()) {
            case FLOAT32 -> buf.asFloatBuffer().put(tensor.toFloatArray());
            case FLOAT64 -> buf.asDoubleBuffer().put(tensor.toDoubleArray());
            case INT32 -> buf.asIntBuffer().put(tensor.toIntArray());
            case INT64 -> buf.asLongBuffer().put(tensor.toLongArray());
            case FLOAT16 -> buf.asShortBuffer().put(storage(tensor.contiguous()).shorts(), tensor.contiguous().offset(), n);
            case INT8, UINT8 -> buf.put(storage(tensor.contiguous()).bytes(), tensor.contiguous().offset(), n);
            case BFLOAT16 -> throw new AssertionError("refused above");
            case BOOL -> {
                for (boolean v : tensor.toBooleanArray()) {
                    buf.put((byte) (v ? 1 : 0));
                }
            }
        }
        return buf.array();
    }

    /**
     * The dimensions of a Python tuple such as {@code "2, 3"} or {@code "3,"}. Each dimension and
     * their product times {@code itemSize} must fit a Java array: checked per dimension before
     * multiplying, so that an overflowing product (e.g. {@code 4 * (2^62 + 1) == 4 mod 2^64}) cannot
     * pass for a small one.
     */
    private static Shape parseShape(String tuple, int itemSize, String source, long offset) throws DataFileException {
        String[] parts = tuple.split(",", -1);
        int[] dims = new int[parts.length];
        int rank = 0;
        long bytes = itemSize;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].strip();
            if (p.isEmpty() && i == parts.length - 1) {
                continue;
            }
            // Python 2 wrote long integers with an L suffix, e.g. "(3L,)".
            if (p.endsWith("L")) {
                p = p.substring(0, p.length() - 1);
            }
            if (!p.matches("[0-9]+")) {
                throw DataFileException.atOffset(source, offset, "bad shape (" + tuple + "): '" + p
                        + "' is not a non-negative integer");
            }
            // Past 12 digits the dimension is too large anyway; Long.parseLong would overflow at 19.
            long d = p.length() > 12 ? Long.MAX_VALUE : Long.parseLong(p);
            if (d > DataStream.MAX_ARRAY || (d > 0 && bytes > DataStream.MAX_ARRAY / d)) {
                throw DataFileException.atOffset(source, offset, "shape (" + tuple + ") needs more than the "
                        + DataStream.MAX_ARRAY + " bytes a Java array can hold");
            }
            bytes *= Math.max(d, 1);
            dims[rank++] = (int) d;
        }
        return Shape.of(Arrays.copyOf(dims, rank));
    }

    private record Element(DType dtype, int itemSize, ByteOrder order) {
        static Element parse(String descr, String source, long offset) throws DataFileException {
            if (descr.length() == 3) {
                ByteOrder order = switch (descr.charAt(0)) {
                    case '<', '|' -> ByteOrder.LITTLE_ENDIAN;
                    case '>' -> ByteOrder.BIG_ENDIAN;
                    case '=' -> ByteOrder.nativeOrder();
                    default -> null;
                };
                DType dtype = switch (descr.substring(1)) {
                    case "f4" -> DType.FLOAT32;
                    case "f8" -> DType.FLOAT64;
                    case "i4" -> DType.INT32;
                    case "i8" -> DType.INT64;
                    case "b1" -> DType.BOOL;
                    case "f2" -> DType.FLOAT16;
                    case "i1" -> DType.INT8;
                    case "u1" -> DType.UINT8;
                    default -> null;
                };
                if (order != null && dtype != null) {
                    return new Element(dtype, dtype.byteSize(), order);
                }
            }
            throw DataFileException.atOffset(source, offset, "unsupported dtype '" + descr
                    + "', expected one of <f2 <f4 <f8 |i1 |u1 <i4 <i8 |b1 (or big-endian >f2 >f4 >f8 >i4 >i8)");
        }
    }
}
