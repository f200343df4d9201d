package org.fluxion.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.fluxion.models.Layer;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * The function of the barrier stage ({@code rdd.barrier().mapPartitions(...)}), written against Scala's
 * {@code Function1} because the barrier API has no Java flavour: it gathers the partition's shards and runs
 * one {@link Worker}.
 */
final class BarrierTraining<M extends Layer> extends AbstractFunction1<Iterator<Shard>, Iterator<WorkerResult>>
        implements Serializable {
    private static final long serialVersionUID = 1L;
    private final TrainJob<M> job;

    BarrierTraining(TrainJob<M> job) {
        this.job = job;
    }

    @Override
    public Iterator<WorkerResult> apply(Iterator<Shard> partition) {
        List<Shard> parts = new ArrayList<>();
        CollectionConverters.asJava(partition).forEachRemaining(parts::add);
        WorkerResult r = new Worker<>(job, BarrierTaskContext.get()).run(Shard.concat(parts));
        return CollectionConverters.asScala(List.of(r).iterator());
    }
}
