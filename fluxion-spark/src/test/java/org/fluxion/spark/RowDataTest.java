package org.fluxion.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.fluxion.data.TensorDataset;
import org.fluxion.models.Models;
import org.fluxion.models.Sequential;
import org.fluxion.nn.Losses;
import org.fluxion.optim.GradientTransformation;
import org.fluxion.optim.Transformations;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Training data where Spark users keep it: a {@code Dataset<Row>} with an array feature column, and Parquet
 * files. Rows go to workers by position, so the run equals the one on the same samples as a Fluxion data set;
 * and distributed inference returns the model's outputs as a new column.
 */
class RowDataTest {
    private static final SerializableSupplier<GradientTransformation> ADAM = () -> Transformations.adam(0.01);

    /** The blobs as rows (features: array of floats; label: long), in the data set's order. */
    static Dataset<Row> rows() {
        TensorDataset data = SparkTestSession.blobs();
        float[] x = data.features().toFloatArray();
        long[] y = data.labels().toLongArray();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            List<Float> f = new ArrayList<>();
            for (int j = 0; j < 8; j++) {
                f.add(x[i * 8 + j]);
            }
            rows.add(RowFactory.create(CollectionConverters.asScala(f).toSeq(), y[i]));
        }
        StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.FloatType))
                .add("label", DataTypes.LongType);
        return SparkTestSession.session().createDataFrame(rows, schema);
    }

    private static SparkTrainer<Sequential> trainer() {
        return new SparkTrainer<>(SparkTestSession::mlp, ADAM, Losses::crossEntropy).globalBatch(32).epochs(1).seed(9);
    }

    @Test
    void aDatasetOfRowsTrainsAsTheSameSamplesInAFluxionDataSet(@TempDir Path dir) {
        Dataset<Row> ordered = rows();
        // the reference: the rows as collected, as a Fluxion data set
        List<Row> collected = ordered.collectAsList();
        float[] x = new float[collected.size() * 8];
        long[] y = new long[collected.size()];
        for (int i = 0; i < collected.size(); i++) {
            List<Object> f = collected.get(i).getList(0);
            for (int j = 0; j < 8; j++) {
                x[i * 8 + j] = (Float) f.get(j);
            }
            y[i] = collected.get(i).getLong(1);
        }
        TensorDataset same = new TensorDataset(Tensor.of(x, y.length, 8), Tensor.of(y, y.length));
        Sequential expected = trainer().fit(SparkTestSession.context(), same, 2).model();

        Sequential fromRows = trainer().fit(ordered, "features", "label", new int[] {8}, 2).model();
        assertSameParameters(expected, fromRows);

        ordered.coalesce(1).write().parquet(dir.resolve("blobs.parquet").toString());
        Sequential fromParquet = trainer().fit(Shards.parquet(SparkTestSession.session(),
                dir.resolve("blobs.parquet").toString(), "features", "label", new int[] {8}, 2)).model();
        assertSameParameters(expected, fromParquet);
    }

    @Test
    void aFeatureOfTheWrongWidthIsNamed() {
        Dataset<Row> rows = rows();
        Exception e = assertThrows(IllegalArgumentException.class,
                () -> trainer().fit(rows, "features", "label", new int[] {9}, 2));
        assertTrue(String.valueOf(e.getMessage()).contains("feature column 'features', row 0: 8 values, the sample"
                + " shape needs 9"), e.getMessage());
    }

    @Test
    void predictAddsTheModelsOutputsAsAColumn() {
        Sequential model = trainer().fit(SparkTestSession.context(), SparkTestSession.blobs(), 2).model();
        Dataset<Row> rows = rows().repartition(3);
        List<Row> out = new SparkPredictor<>(SparkTestSession::mlp, 16)
                .predict(rows, model, "features", new int[] {8}, "scores", "predicted").collectAsList();
        assertEquals(256, out.size());
        assertEquals(List.of("features", "label", "scores", "predicted"), List.of(out.getFirst().schema().fieldNames()));
        for (Row r : out) {
            List<Object> f = r.getList(0);
            float[] x = new float[8];
            for (int j = 0; j < 8; j++) {
                x[j] = (Float) f.get(j);
            }
            float[] expected = model.apply(Tensor.of(x, 1, 8)).toFloatArray();
            List<Object> scores = r.getList(2);
            float[] actual = new float[scores.size()];
            for (int j = 0; j < actual.length; j++) {
                actual[j] = (Float) scores.get(j);
            }
            assertArrayEquals(expected, actual, 1e-5f);
            assertEquals(Tensor.of(expected, 1, 3).argmax(1, false).toLongArray()[0], r.getInt(3));
        }
    }

    static void assertSameParameters(Sequential expected, Sequential actual) {
        List<Tensor> e = Models.parameters(expected);
        List<Tensor> a = Models.parameters(actual);
        for (int i = 0; i < e.size(); i++) {
            assertArrayEquals(e.get(i).toFloatArray(), a.get(i).toFloatArray(), "parameter " + i);
        }
    }
}
