package org.fluxion.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * The cost of the all-reduce alone, without the waiting for the slowest worker that a training step adds: a
 * barrier stage of {@code K} tasks sums a buffer of {@code floats} values {@code repeats} times back to back over
 * the ring, after a barrier, and reports the median time and the bytes each worker sent per sum.
 */
public final class AllReduceProbe {
    private AllReduceProbe() {
    }

    /**
     * Result of a probe.
     *
     * @param medianSeconds median time of one sum (the slowest worker's)
     * @param bytesPerSum   bytes one worker sends per sum
     */
    public record Result(double medianSeconds, double bytesPerSum) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** Sums {@code floats} values over {@code workers} tasks {@code repeats} times. */
    public static Result measure(JavaSparkContext spark, int workers, int floats, int repeats) {
        List<Integer> ranks = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            ranks.add(i);
        }
        RDD<Result> out = spark.parallelize(ranks, workers).rdd().barrier()
                .mapPartitions(new Probe(floats, repeats), false, ClassTag$.MODULE$.apply(Result.class));
        List<Result> all = out.toJavaRDD().collect();
        return new Result(all.stream().mapToDouble(Result::medianSeconds).max().orElse(0),
                all.stream().mapToDouble(Result::bytesPerSum).average().orElse(0));
    }

    /** One task of the probe. */
    private static final class Probe extends AbstractFunction1<Iterator<Integer>, Iterator<Result>>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int floats;
        private final int repeats;

        Probe(int floats, int repeats) {
            this.floats = floats;
            this.repeats = repeats;
        }

        @Override
        public Iterator<Result> apply(Iterator<Integer> ignored) {
            BarrierTaskContext context = BarrierTaskContext.get();
            float[] buffer = new float[floats];
            double[] seconds = new double[repeats];
            try (RingAllReduce ring = RingAllReduce.connect(context)) {
                ring.sum(buffer); // warm-up: connections, buffers, JIT
                context.barrier();
                long bytes = ring.bytesSent();
                for (int i = 0; i < repeats; i++) {
                    long t = System.nanoTime();
                    ring.sum(buffer);
                    seconds[i] = (System.nanoTime() - t) / 1e9;
                }
                Arrays.sort(seconds);
                Result r = new Result(seconds[repeats / 2], (double) (ring.bytesSent() - bytes) / repeats);
                return CollectionConverters.asScala(List.of(r).iterator());
            }
        }
    }
}
