package org.fluxion.spark;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.fluxion.data.TensorDataset;
import scala.Tuple2;

/**
 * Training data as the barrier stage takes it: an RDD of {@link Shard}s with one partition per worker. From a
 * Fluxion data set (contiguous slices), from a {@code Dataset<Row>} with an array or vector feature column and a
 * numeric label column, or from Parquet files. Rows are assigned to workers by their position in the data set
 * ({@code row * K / n}), so that a retried stage, or another run, gives every worker the same samples.
 */
public final class Shards {
    private Shards() {
    }

    /** {@code data} cut into {@code workers} contiguous slices, one partition each (shipped from the driver). */
    public static JavaRDD<Shard> of(JavaSparkContext spark, TensorDataset data, int workers) {
        checkWorkers(workers, data.size());
        List<Shard> shards = new ArrayList<>(workers);
        for (int w = 0; w < workers; w++) {
            shards.add(Shard.of(data, (int) ((long) data.size() * w / workers), (int) ((long) data.size() * (w + 1) / workers)));
        }
        return spark.parallelize(shards, workers);
    }

    /** The Parquet files at {@code path} as {@link #of(Dataset, String, String, int[], int)} reads them. */
    public static JavaRDD<Shard> parquet(SparkSession spark, String path, String featureCol, String labelCol,
                                         int[] sampleDims, int workers) {
        return of(spark.read().parquet(path), featureCol, labelCol, sampleDims, workers);
    }

    /**
     * The rows of {@code rows} in {@code workers} shards: {@code featureCol} holds an array of numbers or an ML
     * vector of {@code prod(sampleDims)} values, {@code labelCol} a number (an integer type: class indices;
     * floating point: regression targets).
     */
    public static JavaRDD<Shard> of(Dataset<Row> rows, String featureCol, String labelCol, int[] sampleDims,
                                    int workers) {
        Dataset<Row> selected = rows.select(featureCol, labelCol);
        String labelType = selected.schema().fields()[1].dataType().typeName();
        boolean classes = switch (labelType) {
            case "byte", "short", "integer", "long" -> true;
            case "float", "double" -> false;
            default -> throw new IllegalArgumentException("label column '" + labelCol + "' has type " + labelType
                    + "; expected an integer (class indices) or a floating-point type");
        };
        long n = selected.count();
        checkWorkers(workers, n);
        int width = Shard.size(sampleDims);
        int[] dims = sampleDims.clone();
        // the first row checked on the driver: a wrong column fails now, not in every attempt of the barrier stage
        values(selected.first().get(0), width, featureCol, 0);
        return selected.toJavaRDD().zipWithIndex().mapToPair(t -> new Tuple2<>(t._2(), t._1()))
                .repartitionAndSortWithinPartitions(new Contiguous(workers, n))
                .mapPartitions(it -> {
                    List<float[]> features = new ArrayList<>();
                    List<Float> labels = new ArrayList<>();
                    it.forEachRemaining(t -> {
                        features.add(values(t._2().get(0), width, featureCol, t._1()));
                        labels.add(((Number) t._2().get(1)).floatValue());
                    });
                    float[] f = new float[features.size() * width];
                    float[] l = new float[labels.size()];
                    for (int i = 0; i < features.size(); i++) {
                        System.arraycopy(features.get(i), 0, f, i * width, width);
                        l[i] = labels.get(i);
                    }
                    return List.of(new Shard(l.length, dims, f, new int[0], l, classes)).iterator();
                }, true);
    }

    /** The values of one feature cell: a Spark array (a Scala sequence) or an ML vector (its {@code toArray}). */
    static float[] values(Object cell, int width, String column, long row) {
        float[] out = new float[width];
        int n;
        if (cell instanceof scala.collection.Seq<?> seq) {
            n = seq.length();
            if (n == width) {
                for (int i = 0; i < n; i++) {
                    out[i] = ((Number) seq.apply(i)).floatValue();
                }
            }
        } else if (cell != null && hasToArray(cell.getClass())) {
            // org.apache.spark.ml.linalg.Vector, without a dependency on Spark ML
            double[] v = toArray(cell);
            n = v.length;
            if (n == width) {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) v[i];
                }
            }
        } else {
            throw new IllegalArgumentException("feature column '" + column + "', row " + row + ": expected an array of"
                    + " numbers or an ML vector, got " + (cell == null ? "null" : cell.getClass().getName()));
        }
        if (n != width) {
            throw new IllegalArgumentException("feature column '" + column + "', row " + row + ": " + n
                    + " values, the sample shape needs " + width);
        }
        return out;
    }

    private static boolean hasToArray(Class<?> c) {
        try {
            return c.getMethod("toArray").getReturnType() == double[].class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static double[] toArray(Object vector) {
        try {
            Method m = vector.getClass().getMethod("toArray");
            return (double[]) m.invoke(vector);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the vector " + vector.getClass().getName(), e);
        }
    }

    private static void checkWorkers(int workers, long samples) {
        if (workers < 1 || workers > samples) {
            throw new IllegalArgumentException("workers: expected 1 to " + samples + " (the number of samples), got "
                    + workers);
        }
    }

    /** Row index {@code i} of {@code n} to partition {@code i * K / n}: contiguous ranges, in row order. */
    static final class Contiguous extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int partitions;
        private final long rows;

        Contiguous(int partitions, long rows) {
            this.partitions = partitions;
            this.rows = rows;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            return (int) ((Long) key * partitions / rows);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Contiguous c && c.partitions == partitions && c.rows == rows;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(new long[] {partitions, rows});
        }
    }
}
