package org.fluxion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.fluxion.text.ReviewCorpus;
import org.fluxion.text.Reviews;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./fluxion example imdb} on small generated and on IMDB-layout reviews. */
class ImdbExampleTest {
    @TempDir
    Path tmp;

    private CliRun imdb(String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "example";
        all[1] = "imdb";
        all[2] = "--out";
        all[3] = tmp.resolve("out").toString();
        System.arraycopy(args, 0, all, 4, args.length);
        return CliRun.of(all);
    }

    private static Map<String, Map<String, String>> resultsByStep(CliRun run) {
        Map<String, Map<String, String>> out = new HashMap<>();
        for (String l : run.lines()) {
            if (l.startsWith("RESULT ")) {
                Map<String, String> m = new HashMap<>();
                for (String kv : l.substring(7).split(" ")) {
                    String[] p = kv.split("=", 2);
                    m.put(p[0], p[1]);
                }
                out.put(m.get("step"), m);
            }
        }
        return out;
    }

    private void assertPng(String name) throws Exception {
        Path p = tmp.resolve("out").resolve(name);
        assertTrue(Files.exists(p), name + " written");
        byte[] head = Files.readAllBytes(p);
        assertTrue(head.length > 1000 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G', name + " is a PNG");
    }

    @Test
    void everyStepLearnsTheGeneratedReviewsAndWritesItsPlots() throws Exception {
        CliRun run = imdb("--train", "1500", "--test", "500", "--steps", "240", "--periods", "2");
        assertEquals(0, run.exitCode(), run.err());
        Map<String, Map<String, String>> r = resultsByStep(run);
        assertEquals(List.of("dnn", "embedding", "full", "linear"), r.keySet().stream().sorted().toList(), run.out());
        for (var e : r.entrySet()) {
            double first = Double.parseDouble(e.getValue().get("first_loss"));
            double last = Double.parseDouble(e.getValue().get("loss"));
            assertTrue(last < first, e.getKey() + ": the log loss falls: " + e.getValue());
            assertTrue(Double.parseDouble(e.getValue().get("auc")) > 0.65, e.getKey() + " separates: " + e.getValue());
            assertPng(e.getKey() + "_log_loss.png");
            assertPng(e.getKey() + "_roc.png");
        }
        assertPng("embedding_terms.png");
        assertTrue(run.out().contains("period  2: log loss train"), run.out());
    }

    @Test
    void theSequenceModelsLearnTheGeneratedReviews() throws Exception {
        CliRun run = imdb("--train", "3000", "--test", "400", "--steps", "150", "--periods", "2", "--max-length", "128", "--eval-size", "400",
                "--models", "lstm,transformer");
        assertEquals(0, run.exitCode(), run.err());
        Map<String, Map<String, String>> r = resultsByStep(run);
        assertEquals(List.of("lstm", "transformer"), r.keySet().stream().sorted().toList(), run.out());
        for (var e : r.entrySet()) {
            double first = Double.parseDouble(e.getValue().get("first_loss"));
            double last = Double.parseDouble(e.getValue().get("loss"));
            assertTrue(last < first, e.getKey() + ": the log loss falls: " + e.getValue());
            assertTrue(Double.parseDouble(e.getValue().get("auc")) > 0.65, e.getKey() + " separates: " + e.getValue());
            assertPng(e.getKey() + "_roc.png");
        }
    }

    /** Reviews in the aclImdb layout (generated texts written as files) are read with --data. */
    @Test
    void readsTheImdbLayoutWithData() throws Exception {
        Reviews reviews = ReviewCorpus.generate(3).sample(240, new SplittableRandom(4));
        for (int i = 0; i < reviews.size(); i++) {
            String split = i % 2 == 0 ? "train" : "test";
            String label = reviews.labels()[i] == 1 ? "pos" : "neg";
            Path f = tmp.resolve("aclImdb").resolve(split).resolve(label).resolve(i + "_7.txt");
            Files.createDirectories(f.getParent());
            Files.writeString(f, reviews.texts().get(i).replace(" . ", ". <br /><br />"), StandardCharsets.UTF_8);
        }
        CliRun run = imdb("--data", tmp.toString(), "--models", "linear,full", "--steps", "60", "--periods", "2",
                "--batch-size", "20");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("120 training / 120 test reviews"), run.out());
        assertEquals(2, resultsByStep(run).size(), run.out());
    }

    @Test
    void anUnknownModelIsAParameterError() {
        CliRun run = imdb("--models", "linear,lstm2");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("unknown model 'lstm2'"), run.err());
    }
}
