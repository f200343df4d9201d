package org.fluxion.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fluxion.autodiff.Tree;
import org.fluxion.models.Layer;
import org.fluxion.models.Models;
import org.fluxion.tensor.Tensor;
import org.fluxion.train.Checkpoint;

/**
 * The checkpoint of a distributed run: one safetensors file (written atomically by {@link Checkpoint#save}, so a
 * worker killed while writing leaves the previous one) holding the model, the optimizer's state (its leaves in
 * {@link Tree#flatten} order, named {@code 0, 1, ...}) and, as metadata, the next step and the running sums
 * of the epoch's statistics. All replicas are identical after every step, so the first worker's state is the
 * run's.
 *
 * @param model          the model after {@code step} steps
 * @param optimizerState the optimizer's state after {@code step} steps
 * @param step           the number of steps done
 * @param epochLoss      the sum of the step losses of the current epoch so far
 * @param epochCorrect   correctly classified samples of the current epoch so far
 * @param epochSeen      samples of the current epoch so far
 * @param <M>            the model's type
 */
public record ClusterCheckpoint<M extends Layer>(M model, Object optimizerState, long step, double epochLoss,
                                                 double epochCorrect, double epochSeen) {
    /** The file name inside the checkpoint directory. */
    public static final String FILE = "fluxion-spark-checkpoint.safetensors";

    /** Writes this checkpoint to {@code dir}, tagged with the run's {@code fingerprint}. */
    public void save(Path dir, String fingerprint) {
        Map<String, Tensor> optimizer = new LinkedHashMap<>();
        List<Tensor> leaves = Tree.leaves(optimizerState);
        for (int i = 0; i < leaves.size(); i++) {
            optimizer.put(Integer.toString(i), leaves.get(i));
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("job", fingerprint);
        metadata.put("step", Long.toString(step));
        metadata.put("epoch_loss", Double.toString(epochLoss));
        metadata.put("epoch_correct", Double.toString(epochCorrect));
        metadata.put("epoch_seen", Double.toString(epochSeen));
        try {
            Files.createDirectories(dir);
            Checkpoint.save(dir.resolve(FILE), Models.stateDict(model), optimizer, metadata);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the checkpoint " + dir.resolve(FILE), e);
        }
    }

    /**
     * Fails when {@code dir} (seen from the driver) holds a checkpoint of another run: better at once than after
     * every attempt of the stage.
     */
    static void checkOwner(Path dir, String fingerprint) {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return;
        }
        String job;
        try {
            job = Checkpoint.load(file).metadata().get("job");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoint " + file, e);
        }
        if (!fingerprint.equals(job)) {
            throw new IllegalStateException("checkpoint " + file + " belongs to another run (" + job
                    + "; this run: " + fingerprint + "): delete it or choose another checkpoint directory");
        }
    }

    /**
     * The checkpoint in {@code dir}, read into the structures of {@code model} and {@code optimizerState}, or
     * null when there is none.
     *
     * @throws IllegalStateException when the file belongs to another run (another fingerprint)
     */
    public static <M extends Layer> ClusterCheckpoint<M> load(Path dir, String fingerprint, M model,
                                                              Object optimizerState) {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return null;
        }
        Checkpoint c;
        try {
            c = Checkpoint.load(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the checkpoint " + file, e);
        }
        Map<String, String> meta = c.metadata();
        if (!fingerprint.equals(meta.get("job"))) {
            throw new IllegalStateException("checkpoint " + file + " belongs to another run (" + meta.get("job")
                    + "; this run: " + fingerprint + "): delete it or choose another checkpoint directory");
        }
        Tree.Flat flat = Tree.flatten(optimizerState);
        List<Tensor> leaves = new ArrayList<>();
        for (int i = 0; i < flat.leaves().size(); i++) {
            Tensor t = c.optimizerState().get(Integer.toString(i));
            if (t == null || !t.shape().equals(flat.leaves().get(i).shape())) {
                throw new IllegalStateException("checkpoint " + file + ": optimizer tensor " + i + " is "
                        + (t == null ? "missing" : "of shape " + t.shape()) + ", the optimizer expects "
                        + flat.leaves().get(i).shape());
            }
            leaves.add(t.to(flat.leaves().get(i).dtype()));
        }
        return new ClusterCheckpoint<>(Models.loadStateDict(model, c.parameters()), flat.def().unflatten(leaves),
                Long.parseLong(meta.get("step")), Double.parseDouble(meta.get("epoch_loss")),
                Double.parseDouble(meta.get("epoch_correct")), Double.parseDouble(meta.get("epoch_seen")));
    }
}
