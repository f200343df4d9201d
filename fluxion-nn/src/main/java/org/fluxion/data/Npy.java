package org.fluxion.data;

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
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** Reads a {@code .npy} file into a tensor of its shape and dtype. */
    public static Tensor read(Path file) throws IOException {
        return decode(Files.readAllBytes(file), file.toString());
    }

    /** Writes {@code tensor} to a {@code .npy} file, replacing it atomically. */
    public static void write(Path file, Tensor tensor) throws IOException {
        byte[] bytes = encode(tensor);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /** Parses the bytes of a {@code .npy} file; {@code source} names it in error messages. */
    static Tensor decode(byte[] data, String source) throws DataFileException {
        FileBytes b = new FileBytes(source, data);
        b.require(0, MAGIC.length + 2, "NPY magic number and version");
        if (!Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw DataFileException.atOffset(source, 0, "bad magic number: expected \\x93NUMPY");
        }
        int major = b.u8(6);
        int lengthBytes = switch (major) {
            case 1 -> 2;
            case 2, 3 -> 4;
            default -> throw DataFileException.atOffset(source, 6, "unsupported NPY version " + major + "."
                    + b.u8(7) + ", expected 1.0, 2.0 or 3.0");
        };
        b.require(8, lengthBytes, "header length");
        ByteBuffer le = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = lengthBytes == 2 ? Short.toUnsignedInt(le.getShort(8)) : Integer.toUnsignedLong(le.getInt(8));
        int headerStart = 8 + lengthBytes;
        b.require(headerStart, headerLength, "header");
        String header = new String(data, headerStart, (int) headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
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
        Shape shape = parseShape(shapeMatch.group(1), source, headerStart);
        long dataOffset = headerStart + headerLength;
        long expected = (long) shape.size() * element.itemSize;
        b.require(dataOffset, expected, "data for shape " + shape + " of " + descr.group(1));
        if (dataOffset + expected != data.length) {
            throw DataFileException.atOffset(source, dataOffset + expected, (data.length - dataOffset - expected)
                    + " trailing bytes after the data of shape " + shape + " (expected the file to end here)");
        }
        ByteBuffer buf = ByteBuffer.wrap(data, (int) dataOffset, (int) expected).order(element.order);
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
            case BOOL -> {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = data[(int) dataOffset + i] != 0;
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
            case BOOL -> {
                for (boolean v : tensor.toBooleanArray()) {
                    buf.put((byte) (v ? 1 : 0));
                }
            }
        }
        return buf.array();
    }

    private static Shape parseShape(String tuple, String source, long offset) throws DataFileException {
        String[] parts = tuple.split(",");
        int[] dims = new int[parts.length];
        int rank = 0;
        long size = 1;
        for (String part : parts) {
            String p = part.strip().replace("L", "");
            if (p.isEmpty()) {
                continue;
            }
            long d;
            try {
                d = Long.parseLong(p);
            } catch (NumberFormatException e) {
                throw DataFileException.atOffset(source, offset, "bad shape (" + tuple + "): '" + p + "' is not an integer");
            }
            size *= Math.max(d, 1);
            if (d < 0 || size > Integer.MAX_VALUE - 64) {
                throw DataFileException.atOffset(source, offset, "shape (" + tuple
                        + ") is negative or exceeds what a Java array can hold");
            }
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
                    default -> null;
                };
                if (order != null && dtype != null) {
                    return new Element(dtype, dtype.byteSize(), order);
                }
            }
            throw DataFileException.atOffset(source, offset, "unsupported dtype '" + descr
                    + "', expected one of <f4 <f8 <i4 <i8 |b1 (or big-endian >f4 >f8 >i4 >i8)");
        }
    }
}
