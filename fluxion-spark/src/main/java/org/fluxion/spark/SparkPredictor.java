package org.fluxion.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.fluxion.models.Layer;
import org.fluxion.tensor.Tensor;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Distributed inference (the JVM's {@code mapInPandas} with a model): {@link #predict} adds to a
 * {@code Dataset<Row>} a column with the model's output for each row's features. The trained tensors are
 * broadcast (shipped once per executor, not per task); each executor builds the model and its compiled
 * inference plan once and reuses them for every partition it processes; rows go through the model in batches.
 *
 * @param <M> the model's type
 */
public final class SparkPredictor<M extends Layer> implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Per executor JVM: the model and plan of each broadcast, built by the first task that needs them. */
    private static final Map<Long, Object[]> LOADED = new ConcurrentHashMap<>();

    private final SerializableSupplier<M> structure;
    private final int batchSize;

    /** A predictor of models {@code structure} builds (their tensors replaced by the trained ones), {@code batchSize} rows at a time. */
    public SparkPredictor(SerializableSupplier<M> structure, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("SparkPredictor: batchSize must be at least 1, got " + batchSize);
        }
        this.structure = structure;
        this.batchSize = batchSize;
    }

    /**
     * {@code rows} with a new column {@code outputCol} (an array of floats: the model's output for the row, e.g.
     * the class scores) computed from {@code featureCol} (an array or ML vector of {@code prod(sampleDims)}
     * numbers), and, when {@code classCol} is not null, a column with the index of the largest output.
     */
    public Dataset<Row> predict(Dataset<Row> rows, M model, String featureCol, int[] sampleDims, String outputCol,
                                String classCol) {
        JavaSparkContext spark = JavaSparkContext.fromSparkContext(rows.sparkSession().sparkContext());
        Broadcast<Snapshot> weights = spark.broadcast(Snapshot.of(model));
        StructType schema = rows.schema().add(outputCol, DataTypes.createArrayType(DataTypes.FloatType), false);
        if (classCol != null) {
            schema = schema.add(classCol, DataTypes.IntegerType, false);
        }
        int featureIndex = rows.schema().fieldIndex(featureCol);
        int[] dims = sampleDims.clone();
        boolean withClass = classCol != null;
        MapPartitionsFunction<Row, Row> f = partition -> new Batches(partition, weights, featureIndex, featureCol, dims,
                withClass);
        return rows.mapPartitions(f, Encoders.row(schema));
    }

    /** The model of {@code weights} and this thread's compiled plan (a plan's buffers serve one thread at a time). */
    private Object[] loaded(Broadcast<Snapshot> weights) {
        if (LOADED.size() > 8 && !LOADED.containsKey(weights.id())) {
            LOADED.clear(); // the models of finished predictions: rebuilt if ever needed again
        }
        Object[] m = LOADED.computeIfAbsent(weights.id(), id -> new Object[] {weights.value().into(structure.get()),
                ThreadLocal.withInitial(Inference::new)});
        return new Object[] {m[0], ((ThreadLocal<?>) m[1]).get()};
    }

    /** The rows of one partition, with their outputs, computed {@link #batchSize} rows at a time. */
    private final class Batches implements Iterator<Row> {
        private final Iterator<Row> in;
        private final Broadcast<Snapshot> weights;
        private final int featureIndex;
        private final String featureCol;
        private final int[] dims;
        private final boolean withClass;
        private final List<Row> ready = new ArrayList<>();
        private int next;
        private long row;

        Batches(Iterator<Row> in, Broadcast<Snapshot> weights, int featureIndex, String featureCol, int[] dims,
                boolean withClass) {
            this.in = in;
            this.weights = weights;
            this.featureIndex = featureIndex;
            this.featureCol = featureCol;
            this.dims = dims;
            this.withClass = withClass;
        }

        @Override
        public boolean hasNext() {
            if (next == ready.size()) {
                fill();
            }
            return next < ready.size();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            return ready.get(next++);
        }

        @SuppressWarnings("unchecked")
        private void fill() {
            ready.clear();
            next = 0;
            List<Row> batch = new ArrayList<>(batchSize);
            while (batch.size() < batchSize && in.hasNext()) {
                batch.add(in.next());
            }
            if (batch.isEmpty()) {
                return;
            }
            int width = Shard.size(dims);
            float[] x = new float[batch.size() * width];
            for (int i = 0; i < batch.size(); i++) {
                System.arraycopy(Shards.values(batch.get(i).get(featureIndex), width, featureCol, row++), 0, x,
                        i * width, width);
            }
            Object[] m = loaded(weights);
            Tensor out = ((Inference<M>) m[1]).apply((M) m[0], Tensor.of(x, Shard.prepend(batch.size(), dims)));
            int outWidth = (int) (out.size() / batch.size());
            float[] y = out.toFloatArray();
            for (int i = 0; i < batch.size(); i++) {
                List<Float> values = new ArrayList<>(outWidth);
                int best = 0;
                for (int j = 0; j < outWidth; j++) {
                    float v = y[i * outWidth + j];
                    values.add(v);
                    best = v > y[i * outWidth + best] ? j : best;
                }
                Row r = batch.get(i);
                Object[] cells = new Object[r.length() + (withClass ? 2 : 1)];
                for (int c = 0; c < r.length(); c++) {
                    cells[c] = r.get(c);
                }
                cells[r.length()] = CollectionConverters.asScala(values).toSeq();
                if (withClass) {
                    cells[r.length() + 1] = best;
                }
                ready.add(RowFactory.create(cells));
            }
        }
    }
}
