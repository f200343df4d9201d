package org.fluxion.spark;

import java.util.SplittableRandom;

/**
 * The order in which a worker visits its shard in one epoch: a permutation drawn from
 * {@code (seed, epoch, rank)} alone, so that a worker restarted after a failure (on another executor) visits
 * the same samples in the same order, and a single-process run can rebuild every global batch.
 */
public final class ShardOrder {
    private ShardOrder() {
    }

    /** A Fisher-Yates permutation of {@code [0, count)} for this epoch and worker; the identity when {@code !shuffle}. */
    public static int[] permutation(int count, boolean shuffle, long seed, int epoch, int rank) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        if (!shuffle) {
            return order;
        }
        // one stream per (seed, epoch, rank): SplittableRandom's mixing makes nearby seeds independent
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + rank);
        for (int i = count - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
