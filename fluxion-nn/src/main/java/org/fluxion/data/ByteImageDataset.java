package org.fluxion.data;

import java.util.Arrays;
import org.fluxion.kernels.Parallel;
import org.fluxion.kernels.UnsignedBytes;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;
import org.fluxion.tensor.TensorInternals;

/**
 * Images kept in memory as the unsigned bytes they were stored as, made float32 one batch at a time (as
 * torchvision keeps MNIST as uint8 and converts in {@code ToTensor}): Fashion-MNIST's 60,000 training images
 * hold 47 MB this way instead of 188 MB as float32. A batch's features are {@code [B, rows, cols]} float32
 * with pixel {@code v} as {@code v / 255} when scaled (rounded as {@link IdxReader#readImages} rounds it, so
 * batches equal those of a {@link TensorDataset} over the float32 images bit for bit), else {@code v}; labels
 * are int64 {@code [B]}.
 */
public final class ByteImageDataset implements Dataset {
    /** Floats converted per parallel chunk at least: about 20 Fashion-MNIST images. */
    private static final int GRAIN_FLOATS = 1 << 14;
    /** The images in blocks of {@link #imagesPerBlock} images each (the last block may hold fewer). */
    private final byte[][] blocks;
    private final int imagesPerBlock;
    private final Shape shape;
    private final int sampleSize;
    private final Tensor labels;
    /** Whether a byte v becomes v / 255 (else v). */
    private final boolean scale;

    /**
     * {@code pixels} of {@code shape} {@code [N, rows, cols]} (taken, not copied) and {@code labels} int64
     * {@code [N]}; scaled to [0, 1] when {@code scale}.
     */
    public ByteImageDataset(byte[] pixels, Shape shape, Tensor labels, boolean scale) {
        this(new byte[][] {pixels}, shape, labels, scale);
    }

    /**
     * As {@link #ByteImageDataset(byte[], Shape, Tensor, boolean)} with the images in blocks, each but the last
     * as long as the first and all of whole images ({@link DataStream#readBlocks}).
     */
    ByteImageDataset(byte[][] blocks, Shape shape, Tensor labels, boolean scale) {
        long total = 0;
        for (byte[] b : blocks) {
            total += b.length;
        }
        if (shape.rank() != 3 || shape.size() != total) {
            throw new IllegalArgumentException("ByteImageDataset: " + total + " bytes do not hold images of shape "
                    + shape + " ([N, rows, cols])");
        }
        if (labels.rank() != 1 || labels.dim(0) != shape.dim(0) || labels.dtype() != DType.INT64) {
            throw new IllegalArgumentException("ByteImageDataset: labels " + labels.type() + " must be int64 ["
                    + shape.dim(0) + "], one per image");
        }
        this.sampleSize = shape.dim(1) * shape.dim(2);
        int first = blocks.length == 0 ? 0 : blocks[0].length;
        for (int b = 0; b + 1 < blocks.length; b++) {
            if (blocks[b].length != first || (sampleSize > 0 && first % sampleSize != 0)) {
                throw new IllegalArgumentException("ByteImageDataset: blocks must hold whole images, all but the "
                        + "last of one length; block " + b + " holds " + blocks[b].length + " bytes");
            }
        }
        this.blocks = blocks;
        this.imagesPerBlock = sampleSize == 0 || first == 0 ? Math.max(1, shape.dim(0)) : first / sampleSize;
        this.shape = shape;
        this.labels = labels;
        this.scale = scale;
    }

    @Override
    public int size() {
        return shape.dim(0);
    }

    /** The shape of the whole set, {@code [N, rows, cols]}. */
    public Shape shape() {
        return shape;
    }

    /** The labels, int64 {@code [N]}. */
    public Tensor labels() {
        return labels;
    }

    @Override
    public Batch batch(int[] indices) {
        return batch(indices, null);
    }

    /** Writes into {@code recycled}'s features when they are a dense float32 array of the batch's size. */
    @Override
    public Batch batch(int[] indices, Batch recycled) {
        int n = size();
        float[] out = reusable(recycled, indices.length * sampleSize);
        long[] rows = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            int r = indices[i];
            if (r < 0 || r >= n) {
                throw new IndexOutOfBoundsException("ByteImageDataset: index " + r + " out of range for " + n
                        + " samples");
            }
            rows[i] = r;
        }
        // the images of a batch lie at random places: the threads gather them (each image written by one thread)
        Parallel.forRange(indices.length, Math.max(1, GRAIN_FLOATS / Math.max(1, sampleSize)), (start, end) -> {
            for (int i = start; i < end; i++) {
                int r = indices[i];
                byte[] block = blocks.length == 0 ? null : blocks[r / imagesPerBlock];
                int src = (r % imagesPerBlock) * sampleSize;
                // division, not multiplication by 1/255: v / 255 correctly rounded, as IdxReader.readImages
                UnsignedBytes.toFloats(block, src, out, i * sampleSize, sampleSize, scale ? 255f : 1f);
            }
        });
        Tensor features = Tensor.wrap(Storage.wrap(DType.FLOAT32, out),
                Shape.of(indices.length, shape.dim(1), shape.dim(2)));
        return new Batch(features, labels.indexSelect(0, Tensor.of(rows, rows.length)));
    }

    /** The float array of {@code recycled}'s features when it is exactly {@code length} dense floats, else a new one. */
    private static float[] reusable(Batch recycled, int length) {
        if (recycled != null) {
            Tensor f = recycled.features();
            if (f.dtype() == DType.FLOAT32 && f.offset() == 0 && f.isContiguous() && f.size() == length) {
                float[] a = TensorInternals.storage(f).floats();
                if (a.length == length) {
                    return a;
                }
            }
        }
        return new float[length];
    }

    @Override
    public String toString() {
        return "ByteImageDataset(" + Arrays.toString(shape.dims()) + " unsigned bytes, labels int64)";
    }
}
