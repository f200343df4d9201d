package org.fluxion.text;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.fluxion.data.DataFileException;

/**
 * The ACL 2011 IMDB review set (Maas et al.) in its distributed layout: {@code aclImdb/{train,test}/{pos,neg}/*.txt},
 * one UTF-8 review per file, 12,500 per class and split. {@code dir} may be the {@code aclImdb} folder or
 * the one holding it. Reviews are read negative first, then positive, each class in file-name order, so
 * the order is the same on every machine (shuffle before batching). The unlabelled {@code unsup} reviews
 * are not read.
 */
public final class Imdb {
    private Imdb() {
    }

    /**
     * Reads one split ({@code "train"} or {@code "test"}), at most {@code perClass} reviews of each class (all
     * when negative).
     *
     * @throws NoSuchFileException naming the folder expected when the layout is not there
     * @throws DataFileException   naming the file and byte offset of text that is not UTF-8
     */
    public static Reviews read(Path dir, String split, int perClass) throws IOException {
        if (!split.equals("train") && !split.equals("test")) {
            throw new IllegalArgumentException("Imdb.read: split must be 'train' or 'test', got '" + split + "'");
        }
        Path root = Files.isDirectory(dir.resolve("aclImdb")) ? dir.resolve("aclImdb") : dir;
        List<String> texts = new ArrayList<>();
        List<Float> labels = new ArrayList<>();
        for (String label : List.of("neg", "pos")) {
            Path folder = root.resolve(split).resolve(label);
            if (!Files.isDirectory(folder)) {
                throw new NoSuchFileException(folder.toString(), null, "expected the IMDB layout aclImdb/{train,test}/"
                        + "{pos,neg}/*.txt under " + dir);
            }
            List<Path> files;
            try (Stream<Path> s = Files.list(folder)) {
                files = s.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList();
            }
            if (perClass >= 0 && files.size() > perClass) {
                files = files.subList(0, perClass);
            }
            for (Path f : files) {
                texts.add(decode(f));
                labels.add(label.equals("pos") ? 1f : 0f);
            }
        }
        float[] y = new float[labels.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels.get(i);
        }
        return new Reviews(texts, y);
    }

    /** The file as strict UTF-8; a malformed sequence is reported with its byte offset. */
    static String decode(Path file) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file));
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(in.remaining());
        CoderResult r = d.decode(in, out, true);
        if (r.isError()) {
            throw DataFileException.atOffset(file.toString(), in.position(), "not valid UTF-8 ("
                    + r.length() + " malformed byte(s))");
        }
        d.flush(out);
        return out.flip().toString();
    }
}
