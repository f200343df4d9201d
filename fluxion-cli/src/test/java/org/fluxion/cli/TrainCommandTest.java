package org.fluxion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.fluxion.train.Checkpoint;
import org.fluxion.train.tensorboard.TfRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
    private static final Pattern RESULT = Pattern.compile(
            "RESULT test_accuracy=([0-9.]+) test_loss=([0-9.]+) epochs=(\\d+) seconds=([0-9.]+)");

    @TempDir
    Path tmp;

    @Test
    void mlpOnGlyphsWritesResultCheckpointAndPlots() throws Exception {
        Path out = tmp.resolve("run");
        CliRun run = CliRun.of("train", "--model", "mlp", "--dataset", "glyphs", "--limit", "1000", "--epochs", "2",
                "--batch-size", "32", "--no-progress", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        Matcher m = RESULT.matcher(run.lastLine());
        assertTrue(m.matches(), "last line is the RESULT line: " + run.lastLine());
        assertTrue(Double.parseDouble(m.group(1)) > 0.5, "2 epochs on 1000 glyphs learn something: " + m.group(1));
        assertEquals("2", m.group(3));
        assertTrue(run.out().contains("glyphs"), "says which data it trains on");
        assertTrue(run.out().contains("validation = the test set"));
        assertEquals(2, run.lines().stream().filter(l -> l.startsWith("epoch ")).count(), "one line per epoch");
        for (String f : new String[] {"checkpoint.safetensors", "history.csv", "history.png", "confusion_matrix.csv"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        assertEquals(3, Files.readAllLines(out.resolve("history.csv")).size(), "header and two epochs");
        Checkpoint ckpt = Checkpoint.load(out.resolve("checkpoint.safetensors"));
        assertEquals(4, ckpt.parameters().size(), "two weights and two biases");
        assertTrue(!ckpt.optimizerState().isEmpty(), "Adam's moments are saved");
        assertEquals("mlp", ckpt.metadata().get("model"));
    }

    /** Issue 18 item 9: --tensorboard writes train/ and validation/ event files, each a valid record stream. */
    @Test
    void tensorboardEventFiles() throws Exception {
        Path out = tmp.resolve("tb-run");
        Path board = tmp.resolve("tb");
        CliRun run = CliRun.of("train", "--model", "mlp", "--dataset", "glyphs", "--limit", "300", "--epochs", "2",
                "--batch-size", "50", "--no-progress", "--out", out.toString(), "--tensorboard", board.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("TensorBoard event files to " + board), run.out());
        for (String sub : new String[] {"train", "validation"}) {
            List<Path> files;
            try (Stream<Path> list = Files.list(board.resolve(sub))) {
                files = list.toList();
            }
            assertEquals(1, files.size(), files.toString());
            assertTrue(files.getFirst().getFileName().toString().startsWith("events.out.tfevents."));
            List<byte[]> records;
            try (InputStream in = Files.newInputStream(files.getFirst())) {
                records = TfRecords.readAll(in, files.getFirst().toString());
            }
            String all = records.stream().map(r -> new String(r, StandardCharsets.ISO_8859_1))
                    .reduce("", String::concat);
            assertTrue(all.contains("brain.Event:2") && all.contains("epoch_loss") && all.contains("epoch_accuracy"),
                    sub + " holds the epoch scalars");
            if (sub.equals("train")) {
                // 2 scalars x 2 epochs, 4 histograms x 2 epochs, settings, model, graph, misclassified, version.
                assertEquals(1 + 3 + 4 + 8 + 1, records.size());
                assertTrue(all.contains("forward_graph/text_summary") && all.contains("misclassified")
                        && all.contains("1.weight") && all.contains("3.bias"), "graph text, image and histograms");
            }
        }
    }

    @Test
    void cnnRunsOnATinySubset() {
        Path out = tmp.resolve("cnn");
        CliRun run = CliRun.of("train", "--dataset", "glyphs", "--limit", "128", "--epochs", "1", "--batch-size", "64",
                "--threads", "2", "--no-progress", "--out", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(RESULT.matcher(run.lastLine()).matches(), run.lastLine());
        assertTrue(run.out().contains("training cnn"));
        assertTrue(Files.exists(out.resolve("checkpoint.safetensors")));
    }

    @Test
    void dataDirWithoutTheFilesIsAnErrorNamingThem() {
        CliRun run = CliRun.of("train", "--data", tmp.resolve("nowhere").toString(), "--out", tmp.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("--data") && run.err().contains("train-images-idx3-ubyte")
                && run.err().contains("t10k-labels-idx1-ubyte"), run.err());
    }

    @Test
    void badFlagValuesAreParameterErrorsNamingTheFlag() {
        String[][] cases = {
            {"--epochs", "-1"}, {"--epochs", "0"}, {"--lr", "0"}, {"--lr", "-0.1"}, {"--batch-size", "0"},
            {"--optimizer", "adamax"}, {"--model", "rnn"}, {"--threads", "0"}, {"--limit", "-5"}, {"--epochs", "x"},
            // Issue 9 item 12: 100000 threads took 90 s to die with "unable to create native thread".
            {"--threads", "100000"}, {"--threads", String.valueOf(Cli.MAX_THREADS + 1)}, {"--lr", "Infinity"},
            {"--lr", "NaN"}, {"--lr", "1e309"}, {"--batch-size", "-3"}, {"--epochs", "99999999999"},
        };
        for (String[] c : cases) {
            CliRun run = CliRun.of("train", c[0], c[1], "--out", tmp.toString());
            assertEquals(2, run.exitCode(), String.join(" ", c));
            assertTrue(run.err().contains(c[0]), c[0] + " named in: " + run.err());
            assertTrue(run.err().startsWith("fluxion: ") && !run.err().contains("Usage:"),
                    "one line and a pointer to --help, not the whole help: " + run.err());
            assertTrue(run.out().isEmpty(), "nothing trained for " + String.join(" ", c));
        }
    }

    @Test
    void helpDocumentsTheOptions() {
        CliRun run = CliRun.of("train", "--help");
        assertEquals(0, run.exitCode());
        for (String flag : new String[] {"--model", "--epochs", "--batch-size", "--lr", "--optimizer", "--seed",
                "--threads", "--data", "--out", "--limit"}) {
            assertTrue(run.out().contains(flag), flag);
        }
        assertTrue(run.out().contains("default: 3"), "the default epochs are shown");
    }

    /** Four Fashion-MNIST file names holding garbage: a corrupt data set. */
    private Path corruptData() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("corrupt"));
        for (String f : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
            "t10k-labels-idx1-ubyte"}) {
            Files.write(dir.resolve(f), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        }
        return dir;
    }

    /** Issue 9 item 15: a corrupt --data file is one line naming the file, exit 1, no stack trace. */
    @Test
    void corruptDataIsOneLineWithoutStackTraceUnlessVerbose() throws Exception {
        Path data = corruptData();
        Path out = tmp.resolve("never");
        CliRun run = CliRun.of("train", "--data", data.toString(), "--out", out.toString(), "--no-progress");
        assertEquals(Cli.EXIT_ERROR, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("fluxion: ") && run.err().contains("train-images-idx3-ubyte"), run.err());
        assertEquals(1, run.err().lines().count(), "one line: " + run.err());
        assertFalse(Files.exists(out), "the output directory created for the run is removed when it fails");

        CliRun verbose = CliRun.of("train", "--data", data.toString(), "--out", out.toString(), "--verbose");
        assertEquals(Cli.EXIT_ERROR, verbose.exitCode());
        assertTrue(verbose.err().startsWith("fluxion: ") && verbose.err().contains("\tat org.fluxion."),
                "--verbose adds the stack trace: " + verbose.err());
    }

    /** Issue 9 item 15: an unwritable --out fails first, naming --out, before any data is loaded. */
    @Test
    void unwritableOutFailsBeforeLoadingData() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Path corrupt = corruptData();
        for (Path out : new Path[] {file, file.resolve("sub")}) {
            // The data is corrupt too: the error must be about --out, proving it is checked first.
            CliRun run = CliRun.of("train", "--data", corrupt.toString(), "--out", out.toString());
            assertEquals(Cli.EXIT_USAGE, run.exitCode(), run.err());
            assertTrue(run.err().contains("--out " + out) && !run.err().contains("idx3"), run.err());
            assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
            assertTrue(run.out().isEmpty());
        }
    }

    /** Issue 9 item 9: --lr 1e300 diverged to test_loss=NaN with exit 0; now it stops with exit 3. */
    @Test
    void divergingTrainingStopsWithExitCode3() {
        Path out = tmp.resolve("diverged");
        CliRun run = CliRun.of("train", "--model", "mlp", "--dataset", "glyphs", "--limit", "256", "--epochs", "2",
                "--batch-size", "32", "--lr", "1e300", "--no-progress", "--out", out.toString());
        assertEquals(Cli.EXIT_DIVERGED, run.exitCode(), run.out() + run.err());
        assertTrue(run.err().startsWith("fluxion: training diverged") && run.err().contains("at epoch 1, batch ")
                && run.err().contains("--lr"), run.err());
        assertFalse(run.out().contains("RESULT"), "no result line for a diverged run: " + run.out());
        assertTrue(run.out().contains("stopped, not validated"), run.out());
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void dataThatIsAFileIsNamedAsSuch() throws Exception {
        Path file = Files.writeString(tmp.resolve("data-file"), "garbage");
        CliRun run = CliRun.of("train", "--data", file.toString(), "--out", tmp.resolve("o").toString());
        assertEquals(Cli.EXIT_USAGE, run.exitCode());
        assertTrue(run.err().contains("--data " + file + ": is a file"), run.err());
    }

    @Test
    void threadsOutOfRangeOnDemoToo() {
        CliRun run = CliRun.of("demo", "--threads", "100000");
        assertEquals(Cli.EXIT_USAGE, run.exitCode());
        assertTrue(run.err().contains("--threads must be between 1 and " + Cli.MAX_THREADS), run.err());
    }
}
