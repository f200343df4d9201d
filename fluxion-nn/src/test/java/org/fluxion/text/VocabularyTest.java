package org.fluxion.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.fluxion.sparse.CsrMatrix;
import org.junit.jupiter.api.Test;

class VocabularyTest {
    static final List<List<String>> DOCS = List.of(
            List.of("a", "good", "film", "a", "good", "plot"),
            List.of("a", "bad", "film"),
            List.of("film", "rare"));

    @Test
    void builtByFrequencyThenTokenWithMinCountMaxSizeAndReservedTokens() {
        Vocabulary v = Vocabulary.build(DOCS, 1, 4, List.of(Vocabulary.PAD, Vocabulary.UNKNOWN), 0);
        // film 3, a 3, good 2, then bad/plot/rare 1 each: by count, ties by token
        assertEquals(List.of("<pad>", "<unk>", "a", "film", "good", "bad"), v.tokens());
        assertEquals(6, v.size());
        assertEquals(1, v.id("plot"), "beyond maxSize: unknown");
        assertEquals(0, v.padId());
        Vocabulary min2 = Vocabulary.build(DOCS, 2, 100, List.of(Vocabulary.UNKNOWN), 0);
        assertEquals(List.of("<unk>", "a", "film", "good"), min2.tokens());
        // the corpus order does not matter
        assertEquals(v.tokens(), Vocabulary.build(DOCS.reversed(), 1, 4, List.of(Vocabulary.PAD, Vocabulary.UNKNOWN), 0).tokens());
    }

    @Test
    void unknownTokensGoToStableHashBucketsOrTheHashingTrick() {
        Vocabulary v = Vocabulary.of(List.of(Vocabulary.PAD), List.of("a", "film"), 5);
        assertEquals(8, v.size());
        int id = v.id("zebra");
        assertTrue(id >= 3 && id < 8);
        assertEquals(id, v.id("zebra"));
        // 64-bit FNV-1a of "a" is 0xaf63dc4c8601ec8c (the published test vector)
        assertEquals(0xaf63dc4c8601ec8cL, Vocabulary.fnv1a("a"));
        Vocabulary h = Vocabulary.hashing(1 << 20);
        assertEquals(Long.remainderUnsigned(0xaf63dc4c8601ec8cL, 1 << 20), h.id("a"));
        assertNotEquals(h.id("good"), h.id("bad"));
        var e = assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of(), List.of("a"), 0).id("b"));
        assertTrue(e.getMessage().contains("unknown token 'b'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("a"), List.of("a"), 0));
    }

    @Test
    void encodesPaddedAndTruncatedSequencesWithMasks() {
        Vocabulary v = Vocabulary.build(DOCS, 1, 100, List.of(Vocabulary.PAD, Vocabulary.UNKNOWN), 0);
        EncodedBatch b = v.encode(List.of(List.of("a", "good", "film", "zzz"), List.of("bad")), 3, false);
        assertArrayEquals(new long[] {v.id("a"), v.id("good"), v.id("film"), v.id("bad"), 0, 0}, b.ids().toLongArray());
        assertArrayEquals(new float[] {1, 1, 1, 1, 0, 0}, b.mask().toFloatArray());
        assertArrayEquals(new int[] {3, 1}, b.lengths());
        EncodedBatch end = v.encode(List.of(List.of("a", "good", "film", "zzz")), 2, true);
        assertArrayEquals(new long[] {v.id("film"), 1}, end.ids().toLongArray());
    }

    @Test
    void bagOfWordsRowsCountDistinctIds() {
        Vocabulary v = Vocabulary.build(DOCS, 1, 100, List.of(Vocabulary.PAD, Vocabulary.UNKNOWN), 0);
        CsrMatrix counts = v.bagOfWords(DOCS, false);
        assertEquals(v.size(), counts.cols());
        assertEquals(2, counts.toDense().get(0, v.id("a")));
        assertEquals(2, counts.toDense().get(0, v.id("good")));
        assertEquals(1, counts.toDense().get(2, v.id("rare")));
        assertEquals(4 + 3 + 2, counts.nnz());
        CsrMatrix binary = v.bagOfWords(DOCS, true, v.id("film"));
        assertEquals(1, binary.toDense().get(0, v.id("a")));
        assertEquals(0, binary.toDense().get(1, v.id("film")), "skipped id");
    }
}
