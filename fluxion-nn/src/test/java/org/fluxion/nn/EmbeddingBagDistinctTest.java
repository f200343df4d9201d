package org.fluxion.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Both ways of finding a batch's distinct ids (a table over the vocabulary, a sort) agree with a plain one. */
class EmbeddingBagDistinctTest {
    @Test
    void theTableAndTheSortGiveTheSortedDistinctIdsAndPositions() {
        SplittableRandom rng = new SplittableRandom(3);
        for (int vocab : new int[] {1, 7, 1000, 5_000_000}) {
            long[] ids = new long[300];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = rng.nextInt(Math.min(vocab, 50)) * (long) (vocab / Math.min(vocab, 50));
            }
            long[] expected = Arrays.stream(ids).sorted().distinct().toArray();
            long[] local = new long[ids.length];
            assertArrayEquals(expected, EmbeddingBag.distinct(ids, vocab, local), "vocabulary " + vocab);
            for (int i = 0; i < ids.length; i++) {
                assertArrayEquals(new long[] {ids[i]}, new long[] {expected[(int) local[i]]}, "position of id " + i);
            }
        }
    }
}
