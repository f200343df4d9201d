package org.fluxion.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.fluxion.tensor.Tensor;

/**
 * NumPy's {@code .npz} format: a zip archive with one {@code NAME.npy} entry per array, stored
 * ({@code np.savez}) or deflated ({@code np.savez_compressed}). Read and written; writes are atomic.
 * Errors inside an entry name the archive and the entry, e.g. {@code "w.npz!weights.npy: offset 0: ..."}.
 */
public final class Npz {
    private static final String SUFFIX = ".npy";

    private Npz() {
    }

    /**
     * The arrays of an {@code .npz} file by name (without {@code .npy}), in archive order. Each entry
     * is inflated as a stream and read only as far as its {@code .npy} header promises (see
     * {@link Npy}), so an entry that inflates to far more is rejected without being inflated in full.
     */
    public static Map<String, Tensor> read(Path file) throws IOException {
        String source = file.toString();
        DataFiles.requireFile(file, "a NumPy .npz archive");
        long size = Files.size(file);
        Map<String, Tensor> arrays = new LinkedHashMap<>();
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (IOException e) {
            // ZipException or, for a directory that points past the end, EOFException. The zip directory
            // is read from the end of the file, where a truncated archive lacks it.
            throw DataFileException.atOffset(source, size, "not a readable zip archive (truncated or corrupt"
                    + " directory at the end of the file): " + e.getMessage());
        }
        try (zip) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                String entrySource = source + "!" + entry.getName();
                if (!entry.getName().endsWith(SUFFIX)) {
                    throw DataFileException.atOffset(entrySource, 0,
                            "not a .npy entry; an .npz archive holds only NAME.npy files");
                }
                Tensor tensor;
                try (DataStream in = DataStream.of(zip.getInputStream(entry), entrySource)) {
                    tensor = Npy.decode(in);
                } catch (DataFileException e) {
                    throw e;
                } catch (IOException e) {
                    throw DataFileException.atOffset(entrySource, 0, "unreadable entry: " + e.getMessage());
                }
                String name = entry.getName().substring(0, entry.getName().length() - SUFFIX.length());
                arrays.put(name, tensor);
            }
        }
        return Collections.unmodifiableMap(arrays);
    }

    /**
     * Writes {@code arrays} (name to tensor, in iteration order) as an {@code .npz} file, deflated when
     * {@code compressed}, replacing the file atomically.
     */
    public static void write(Path file, Map<String, Tensor> arrays, boolean compressed) throws IOException {
        for (String name : arrays.keySet()) {
            if (name.isEmpty() || name.contains("/") || name.contains("\\")) {
                throw new IllegalArgumentException("Npz.write: bad array name '" + name + "' for " + file);
            }
        }
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
                byte[] bytes = Npy.encode(e.getValue());
                ZipEntry entry = new ZipEntry(e.getKey() + SUFFIX);
                if (compressed) {
                    entry.setMethod(ZipEntry.DEFLATED);
                } else {
                    // A stored entry's sizes and checksum precede its data, so they are computed first.
                    CRC32 crc = new CRC32();
                    crc.update(bytes);
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(bytes.length);
                    entry.setCompressedSize(bytes.length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(bytes);
                zip.closeEntry();
            }
            zip.finish();
        });
    }
}
