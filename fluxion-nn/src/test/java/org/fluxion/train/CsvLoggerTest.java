package org.fluxion.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18 item 8: Keras's CSVLogger, through commons-csv, readable while training runs. */
class CsvLoggerTest {
    @TempDir
    Path dir;

    private static List<List<String>> read(Path path) throws IOException {
        try (Reader reader = Files.newBufferedReader(path)) {
            return CSVFormat.DEFAULT.parse(reader).getRecords().stream().map(CSVRecord::toList).toList();
        }
    }

    private static Map<String, Double> logs(Object... namesAndValues) {
        Map<String, Double> logs = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            logs.put((String) namesAndValues[i], (Double) namesAndValues[i + 1]);
        }
        return logs;
    }

    @Test
    void oneRowPerEpochReadableAfterEachEpoch() throws IOException {
        Path path = dir.resolve("sub/log.csv");
        CsvLogger logger = new CsvLogger(path);
        logger.onTrainBegin();
        logger.onEpochEnd(0, logs("loss", 0.5, "val_loss", 0.625));
        // Flushed at once: a reader sees the epoch before training ends.
        assertEquals(List.of(List.of("epoch", "loss", "val_loss"), List.of("1", "0.5", "0.625")), read(path));
        logger.onEpochEnd(1, logs("loss", 0.25, "val_loss", 1.0 / 3));
        logger.onTrainEnd();
        assertEquals(List.of("2", "0.25", Double.toString(1.0 / 3)), read(path).get(2));
        assertEquals(3, read(path).size());
    }

    @Test
    void aNewMetricWidensTheHeaderAndNamesAreQuoted() throws IOException {
        Path path = dir.resolve("log.csv");
        try (CsvLogger logger = new CsvLogger(path)) {
            logger.onTrainBegin();
            logger.onEpochEnd(0, logs("loss", 2.0));
            logger.onEpochEnd(1, logs("loss", 1.0, "f1, macro", 0.5));
            logger.onEpochEnd(2, logs("f1, macro", 0.75));
        }
        assertEquals(List.of(List.of("epoch", "loss", "f1, macro"), List.of("1", "2.0", ""), List.of("2", "1.0", "0.5"),
                List.of("3", "", "0.75")), read(path));
        assertEquals("epoch,loss,\"f1, macro\"", Files.readAllLines(path).getFirst());
    }

    @Test
    void aNewRunReplacesTheFile() throws IOException {
        Path path = dir.resolve("log.csv");
        CsvLogger logger = new CsvLogger(path);
        for (int run = 0; run < 2; run++) {
            logger.onTrainBegin();
            logger.onEpochEnd(0, logs("loss", 1.0 + run));
            logger.onTrainEnd();
        }
        assertEquals(List.of(List.of("epoch", "loss"), List.of("1", "2.0")), read(path));
    }
}
