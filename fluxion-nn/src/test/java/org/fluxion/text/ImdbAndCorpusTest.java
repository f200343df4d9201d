package org.fluxion.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.fluxion.data.DataFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImdbAndCorpusTest {
    @TempDir
    Path dir;

    private void write(String path, byte[] bytes) throws Exception {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        Files.write(p, bytes);
    }

    @Test
    void readsTheImdbLayoutNegativeThenPositiveInFileOrder() throws Exception {
        write("aclImdb/train/pos/1_9.txt", "Loved it.<br />Great!".getBytes("UTF-8"));
        write("aclImdb/train/pos/0_10.txt", "Brilliant — très bien".getBytes("UTF-8"));
        write("aclImdb/train/neg/0_2.txt", "Awful.".getBytes("UTF-8"));
        write("aclImdb/train/neg/notes.md", "not a review".getBytes("UTF-8"));
        Reviews r = Imdb.read(dir, "train", -1);
        assertEquals(List.of("Awful.", "Brilliant — très bien", "Loved it.<br />Great!"), r.texts());
        assertArrayEquals(new float[] {0, 1, 1}, r.labels());
        assertEquals(2, Imdb.read(dir.resolve("aclImdb"), "train", 1).size());
        var missing = assertThrows(NoSuchFileException.class, () -> Imdb.read(dir, "test", -1));
        assertTrue(missing.getMessage().contains("test/neg"), missing.getMessage());
        write("aclImdb/test/neg/0_1.txt", new byte[] {'o', 'k', (byte) 0xC3, '('});
        write("aclImdb/test/pos/0_9.txt", "fine".getBytes("UTF-8"));
        var bad = assertThrows(DataFileException.class, () -> Imdb.read(dir, "test", -1));
        assertTrue(bad.getMessage().contains("0_1.txt: offset 2: not valid UTF-8"), bad.getMessage());
    }

    @Test
    void theGeneratedCorpusHasTheSeedsVocabularyZipfFrequenciesAndPlantedSentiment() {
        ReviewCorpus corpus = ReviewCorpus.generate(0);
        assertEquals(ReviewCorpus.SIZE, corpus.terms().size());
        assertEquals(ReviewCorpus.SIZE, new HashSet<>(corpus.terms()).size(), "distinct terms");
        assertTrue(corpus.terms().containsAll(ReviewCorpus.INFORMATIVE));
        assertEquals(corpus.terms(), ReviewCorpus.generate(0).terms(), "same seed, same vocabulary");
        Reviews a = corpus.sample(400, new SplittableRandom(1));
        assertEquals(a.texts(), corpus.sample(400, new SplittableRandom(1)).texts());
        List<List<String>> docs = a.tokenize(Tokenizer.standard());
        long[] counts = new long[3];
        long great = 0;
        long awful = 0;
        long tokens = 0;
        java.util.Map<String, Integer> rankOf = new java.util.HashMap<>();
        for (int i = 0; i < corpus.terms().size(); i++) {
            rankOf.put(corpus.terms().get(i), i);
        }
        for (int d = 0; d < docs.size(); d++) {
            for (String t : docs.get(d)) {
                tokens++;
                int rank = rankOf.getOrDefault(t, -1);
                assertTrue(rank >= 0, "token '" + t + "' is a term");
                if (rank < 3) {
                    counts[rank]++;
                }
                great += t.equals("great") ? (a.labels()[d] == 1 ? 1 : -1) : 0;
                awful += t.equals("awful") ? (a.labels()[d] == 0 ? 1 : -1) : 0;
            }
        }
        // Zipf-Mandelbrot: rank 0 about (1 + 2.7) / 2.7 = 1.37 times as frequent as rank 1
        assertEquals((1 + 2.7) / 2.7, (double) counts[0] / counts[1], 0.1);
        assertTrue(tokens / 400.0 > 150 && tokens / 400.0 < 300, "mean length " + tokens / 400.0);
        assertTrue(great > 0 && awful > 0, "planted terms favour their class: " + great + ", " + awful);
    }
}
