/**
 * The data layer: datasets and loaders, readers and writers for common file formats, scalers and
 * synthetic sets.
 *
 * <ul>
 *   <li>{@link org.fluxion.data.Dataset}, {@link org.fluxion.data.TensorDataset} and
 *       {@link org.fluxion.data.DataLoader} (batching, seeded shuffling, drop-last, prefetch);
 *   <li>readers: {@link org.fluxion.data.IdxReader} (MNIST-style IDX, raw or gzip),
 *       {@link org.fluxion.data.CsvReader}, {@link org.fluxion.data.Npy} and
 *       {@link org.fluxion.data.Npz} (both read and write, atomically);
 *   <li>{@link org.fluxion.data.FashionMnist} locates the Fashion-MNIST files;
 *       {@link org.fluxion.data.Glyphs} generates a small fallback image set;
 *   <li>{@link org.fluxion.data.MinMaxScaler}, {@link org.fluxion.data.StandardScaler};
 *   <li>{@link org.fluxion.data.Synthetic}: moons, blobs, circles, spirals.
 * </ul>
 *
 * <p>Errors: a file that does not exist gives {@link java.nio.file.NoSuchFileException}; a file
 * whose content is malformed gives {@link org.fluxion.data.DataFileException} (an
 * {@link java.io.IOException}) whose message names the file, the byte offset (or line and column)
 * and what was expected. Bad arguments give {@link IllegalArgumentException}.
 *
 * <p>Hostile files: binary readers take the header first, then exactly the payload it promises, then
 * the end of the stream, decompressing as they go; what they allocate grows with the bytes actually
 * present, so a truncated file, a lying header or a decompression bomb fails fast in bounded memory.
 * {@code HostileFilesTest} holds every reader to this.
 */
package org.fluxion.data;
