/**
 * Training support that needs no layers: metrics, callbacks, checkpoints, progress and plots.
 *
 * <ul>
 *   <li>{@link org.fluxion.train.Metrics}: accuracy, top-k accuracy, log loss, ROC curve
 *       ({@link org.fluxion.train.RocCurve}) and AUC, confusion matrix; streaming accumulators
 *       {@link org.fluxion.train.ConfusionMatrix} and {@link org.fluxion.train.RunningMean};
 *   <li>{@link org.fluxion.train.History} (per-epoch metrics, CSV), the
 *       {@link org.fluxion.train.Callback} interface, {@link org.fluxion.train.CallbackList}, and Keras's
 *       callbacks: {@link org.fluxion.train.EarlyStopping}, {@link org.fluxion.train.ModelCheckpoint},
 *       {@link org.fluxion.train.CsvLogger}, {@link org.fluxion.train.ReduceLrOnPlateau} and
 *       {@link org.fluxion.train.TerminateOnNaN}, watching a {@link org.fluxion.train.Monitor}; user
 *       metrics in {@code fit} ({@link org.fluxion.train.Metric});
 *   <li>{@link org.fluxion.train.SafeTensors} (the safetensors format) and
 *       {@link org.fluxion.train.Checkpoint} (parameters + optimizer state + metadata, atomic);
 *   <li>{@link org.fluxion.train.Plots}: PNG loss curves, ROC curves, decision boundaries,
 *       scatters, line plots (XChart) and image grids;
 *   <li>{@link org.fluxion.train.ProgressBar}: smoothed rate and ETA, running loss and validation
 *       progress, fitted to the terminal's width, terminal or log friendly; {@link org.fluxion.train.EpochSummary}:
 *       one line per epoch with its time and metrics.
 * </ul>
 *
 * <p>Errors: a corrupt checkpoint gives {@link org.fluxion.data.DataFileException} naming the file
 * and byte offset; a checkpoint that does not fit the model gives {@link IllegalArgumentException}
 * naming the file, the tensor and both shapes or dtypes.
 */
package org.fluxion.train;
