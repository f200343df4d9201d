package org.fluxion.text;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.sparse.CsrMatrix;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * A map from tokens to ids {@code [0, size())}: first the reserved tokens (e.g. {@code <pad>}, {@code <unk>}),
 * then the known terms, then {@code buckets} out-of-vocabulary buckets: an unknown token goes to bucket
 * {@code hash(token) mod buckets} (TensorFlow's {@code num_oov_buckets}), or to {@code <unk>} when there are
 * no buckets. With no terms at all it is the hashing trick ({@link #hashing}): every token is hashed into
 * the buckets. The hash is 64-bit FNV-1a of the UTF-8 bytes, the same on every machine and run.
 */
public final class Vocabulary {
    public static final String PAD = "<pad>";
    public static final String UNKNOWN = "<unk>";

    private final List<String> tokens;
    private final Map<String, Integer> ids;
    private final int buckets;
    private final int unknownId;
    private final int padId;

    private Vocabulary(List<String> tokens, int buckets) {
        if (buckets < 0) {
            throw new IllegalArgumentException("Vocabulary: buckets must be >= 0, got " + buckets);
        }
        this.tokens = List.copyOf(tokens);
        this.ids = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) {
            if (ids.putIfAbsent(tokens.get(i), i) != null) {
                throw new IllegalArgumentException("Vocabulary: token '" + tokens.get(i) + "' appears twice (ids "
                        + ids.get(tokens.get(i)) + " and " + i + ")");
            }
        }
        this.buckets = buckets;
        this.unknownId = ids.getOrDefault(UNKNOWN, -1);
        this.padId = ids.getOrDefault(PAD, -1);
    }

    /** A vocabulary of the given reserved tokens followed by the given terms, with out-of-vocabulary buckets. */
    public static Vocabulary of(List<String> reserved, List<String> terms, int buckets) {
        List<String> all = new ArrayList<>(reserved);
        all.addAll(terms);
        return new Vocabulary(all, buckets);
    }

    /** The hashing trick: no terms, every token hashed into {@code buckets} ids. */
    public static Vocabulary hashing(int buckets) {
        if (buckets < 1) {
            throw new IllegalArgumentException("Vocabulary.hashing: buckets must be >= 1, got " + buckets);
        }
        return new Vocabulary(List.of(), buckets);
    }

    /**
     * The terms of a tokenized corpus that occur at least {@code minCount} times, the most frequent first
     * (ties by token, so the result does not depend on the corpus order), at most {@code maxSize} of them
     * (terms only, reserved tokens not counted); then the buckets.
     */
    public static Vocabulary build(Iterable<? extends Collection<String>> documents, int minCount, int maxSize,
                                   List<String> reserved, int buckets) {
        if (minCount < 1 || maxSize < 0) {
            throw new IllegalArgumentException("Vocabulary.build: minCount must be >= 1 and maxSize >= 0, got "
                    + minCount + " and " + maxSize);
        }
        Map<String, long[]> counts = new HashMap<>();
        for (Collection<String> doc : documents) {
            for (String t : doc) {
                counts.computeIfAbsent(t, k -> new long[1])[0]++;
            }
        }
        List<Map.Entry<String, long[]>> entries = new ArrayList<>(counts.entrySet());
        entries.removeIf(e -> e.getValue()[0] < minCount || reserved.contains(e.getKey()));
        entries.sort((a, b) -> a.getValue()[0] != b.getValue()[0] ? Long.compare(b.getValue()[0], a.getValue()[0])
                : a.getKey().compareTo(b.getKey()));
        List<String> terms = new ArrayList<>();
        for (int i = 0; i < Math.min(maxSize, entries.size()); i++) {
            terms.add(entries.get(i).getKey());
        }
        return of(reserved, terms, buckets);
    }

    /** Number of ids: reserved tokens, terms and buckets. */
    public int size() {
        return tokens.size() + buckets;
    }

    /** Reserved tokens and terms, without the buckets. */
    public int knownSize() {
        return tokens.size();
    }

    public int buckets() {
        return buckets;
    }

    /** The token of a known id; {@code #bucket<k>} for a bucket. */
    public String token(int id) {
        if (id < 0 || id >= size()) {
            throw new IndexOutOfBoundsException("Vocabulary: id " + id + " is out of range for " + size() + " ids");
        }
        return id < tokens.size() ? tokens.get(id) : "#bucket" + (id - tokens.size());
    }

    /** True for a reserved token or term. */
    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    /**
     * The id of a token: its own, else its bucket, else the id of {@code <unk>}.
     *
     * @throws IllegalArgumentException for an unknown token when there are neither buckets nor {@code <unk>}
     */
    public int id(String token) {
        Integer id = ids.get(token);
        if (id != null) {
            return id;
        }
        if (buckets > 0) {
            return tokens.size() + (int) Long.remainderUnsigned(fnv1a(token), buckets);
        }
        if (unknownId >= 0) {
            return unknownId;
        }
        throw new IllegalArgumentException("Vocabulary: unknown token '" + token + "' and neither out-of-vocabulary"
                + " buckets nor " + UNKNOWN + " to put it in");
    }

    /** The id padding uses: that of {@code <pad>}, else 0. */
    public int padId() {
        return Math.max(padId, 0);
    }

    /**
     * Documents as id sequences of length {@code maxLength}: truncated (keeping the first tokens, or the last
     * when {@code keepEnd}) and padded after the tokens with {@link #padId()}, with the mask of real tokens.
     */
    public EncodedBatch encode(List<? extends List<String>> documents, int maxLength, boolean keepEnd) {
        if (maxLength < 1) {
            throw new IllegalArgumentException("Vocabulary.encode: maxLength must be >= 1, got " + maxLength);
        }
        int b = documents.size();
        long[] out = new long[b * maxLength];
        float[] mask = new float[b * maxLength];
        int[] lengths = new int[b];
        Arrays.fill(out, padId());
        for (int d = 0; d < b; d++) {
            List<String> doc = documents.get(d);
            int n = Math.min(maxLength, doc.size());
            int from = keepEnd ? doc.size() - n : 0;
            for (int i = 0; i < n; i++) {
                out[d * maxLength + i] = id(doc.get(from + i));
                mask[d * maxLength + i] = 1;
            }
            lengths[d] = n;
        }
        return new EncodedBatch(Tensor.of(out, b, maxLength), Tensor.of(mask, b, maxLength), lengths);
    }

    /**
     * Documents as bag-of-words rows {@code [B, size()]}: each row's entries are the distinct ids of the
     * document in increasing order with their counts ({@code binary}: 1), float32. Ids in {@code skip} (e.g.
     * the pad id) are left out.
     */
    public CsrMatrix bagOfWords(List<? extends List<String>> documents, boolean binary, int... skip) {
        int b = documents.size();
        long[] crow = new long[b + 1];
        List<long[]> rows = new ArrayList<>(b);
        List<float[]> counts = new ArrayList<>(b);
        for (int d = 0; d < b; d++) {
            List<String> doc = documents.get(d);
            long[] id = new long[doc.size()];
            for (int i = 0; i < id.length; i++) {
                id[i] = id(doc.get(i));
            }
            Arrays.sort(id);
            long[] unique = new long[id.length];
            float[] c = new float[id.length];
            int u = 0;
            for (int i = 0; i < id.length; i++) {
                if (u > 0 && unique[u - 1] == id[i]) {
                    c[u - 1] += binary ? 0 : 1;
                } else if (!skipped(skip, id[i])) {
                    unique[u] = id[i];
                    c[u++] = 1;
                }
            }
            rows.add(Arrays.copyOf(unique, u));
            counts.add(Arrays.copyOf(c, u));
            crow[d + 1] = crow[d] + u;
        }
        long[] cols = new long[(int) crow[b]];
        float[] values = new float[cols.length];
        for (int d = 0; d < b; d++) {
            System.arraycopy(rows.get(d), 0, cols, (int) crow[d], rows.get(d).length);
            System.arraycopy(counts.get(d), 0, values, (int) crow[d], counts.get(d).length);
        }
        return CsrMatrix.of(crow, cols, Tensor.of(values, values.length), b, size());
    }

    private static boolean skipped(int[] skip, long id) {
        for (int s : skip) {
            if (s == id) {
                return true;
            }
        }
        return false;
    }

    /** 64-bit FNV-1a of the UTF-8 bytes. */
    static long fnv1a(String token) {
        long h = 0xcbf29ce484222325L;
        for (byte x : token.getBytes(StandardCharsets.UTF_8)) {
            h ^= x & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** The token of each id in order ({@code #bucket<k>} for buckets): for a terms file or plot labels. */
    public List<String> tokens() {
        List<String> out = new ArrayList<>(tokens);
        for (int k = 0; k < buckets; k++) {
            out.add("#bucket" + k);
        }
        return out;
    }

    @Override
    public String toString() {
        return "Vocabulary[" + tokens.size() + " tokens + " + buckets + " buckets]";
    }
}
