package org.fluxion.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.fluxion.nn.models.ResNet;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.fluxion.train.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fluxion classify}: a photo through a ResNet whose float16 weights are loaded by name. */
class ClassifyCommandTest {
    @TempDir
    Path dir;

    @Test
    void classifiesAPhotoWithWeightsLoadedByName() throws IOException {
        // resnet18 weights in float16, with a classifier that prefers class 3 whatever the photo shows.
        Map<String, Tensor> state = new LinkedHashMap<>();
        ResNet.resnet18(10, new SplittableRandom(7)).stateDict().forEach((k, v) ->
                state.put(k, v.dtype().isFloatingPoint() ? v.to(DType.FLOAT16) : v));
        state.put("fc.weight", Tensor.zeros(DType.FLOAT16, 10, 512));
        state.put("fc.bias", Tensor.of(new float[] {0, 0, 0, 4, 2, 0, 0, 0, 0, 0}, 10).to(DType.FLOAT16));
        Path weights = dir.resolve("resnet18.safetensors");
        SafeTensors.write(weights, state, Map.of());
        Path labels = dir.resolve("labels.txt");
        Files.write(labels, IntStream.range(0, 10).mapToObj(i -> "label" + i).toList());
        BufferedImage image = new BufferedImage(80, 60, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 60; y++) {
            for (int x = 0; x < 80; x++) image.setRGB(x, y, (x * 3) << 16 | (y * 4) << 8 | 128);
        }
        Path photo = dir.resolve("photo.png");
        ImageIO.write(image, "png", photo.toFile());

        CliRun run = CliRun.of("classify", photo.toString(), "--weights", weights.toString(), "--labels",
                labels.toString(), "--top", "2", "--resize", "48", "--crop", "40");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("loaded resnet18 (10 classes, 11,181,642 parameters)"), run.out());
        // softmax of (4, 2, 0 x 8): e^4 / (e^4 + e^2 + 8)
        double p3 = Math.exp(4) / (Math.exp(4) + Math.exp(2) + 8);
        double p4 = Math.exp(2) / (Math.exp(4) + Math.exp(2) + 8);
        List<String> lines = run.lines();
        int at = lines.indexOf(photo + ":");
        assertEquals(String.format(java.util.Locale.ROOT, "  %6.2f%%  label3", 100 * p3), lines.get(at + 1));
        assertEquals(String.format(java.util.Locale.ROOT, "  %6.2f%%  label4", 100 * p4), lines.get(at + 2));
        assertTrue(run.lastLine().startsWith("RESULT classify=photo.png class=3 probability="), run.lastLine());
    }

    @Test
    void weightsOfAnotherModelAreAUsageError() throws IOException {
        Path weights = dir.resolve("other.safetensors");
        SafeTensors.write(weights, Map.of("encoder.weight", Tensor.zeros(2, 2)), Map.of());
        CliRun run = CliRun.of("classify", dir.resolve("photo.png").toString(), "--weights", weights.toString());
        assertEquals(Cli.EXIT_USAGE, run.exitCode());
        assertTrue(run.err().contains("not a ResNet state dict"), run.err());
    }
}
