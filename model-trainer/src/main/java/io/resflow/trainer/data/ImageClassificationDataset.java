package io.resflow.trainer.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.BatchSampler;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.util.Progress;
import io.resflow.datasets.LabelledImages;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A DJL dataset over {@link LabelledImages} (from Fashion-MNIST, an image folder or Avro
 * ImageRecord files): each record is one image as a float32 CHW array scaled to 0..1 and normalised
 * with the training set's {@link ChannelStatistics}, and its label as a float32 scalar. Batches
 * stack to NCHW, the layout DJL's convolutions take, and to a label vector of length N.
 *
 * <p>For training, give it the paper's augmentation and a seeded shuffle; both depend only on the
 * seed and the epoch ({@link #forEpoch}), so a run is repeatable and resuming at epoch k sees the
 * same data as the uninterrupted run would have.
 *
 * <pre>{@code
 * LabelledImages train = FashionMnist.atDefaultLocation().load(FashionMnist.Split.TRAIN);
 * ChannelStatistics stats = ChannelStatistics.compute(train);
 * ImageClassificationDataset training = ImageClassificationDataset.builder()
 *         .setImages(train)
 *         .setNormalization(stats)
 *         .optAugmentation(PadCropFlip.paper(), 42)
 *         .setShuffledSampling(128, 42, true)
 *         .build();
 * for (Batch batch : training.forEpoch(3).getData(manager)) { ... }
 * }</pre>
 */
public final class ImageClassificationDataset extends RandomAccessDataset {

    private final LabelledImages images;
    private final ChannelStatistics normalization;
    private final PadCropFlip augmentation;
    private final long augmentationSeed;
    private final Long shuffleSeed;
    private final int batchSize;
    private final boolean dropLast;
    private final int epoch;

    private ImageClassificationDataset(Builder builder) {
        super(builder);
        this.images = builder.images;
        this.normalization = builder.normalization;
        this.augmentation = builder.augmentation;
        this.augmentationSeed = builder.augmentationSeed;
        this.shuffleSeed = builder.shuffleSeed;
        this.batchSize = builder.batchSize;
        this.dropLast = builder.dropLast;
        this.epoch = 0;
    }

    private ImageClassificationDataset(
            ImageClassificationDataset other, Builder builder, int epoch) {
        super(builder);
        this.images = other.images;
        this.normalization = other.normalization;
        this.augmentation = other.augmentation;
        this.augmentationSeed = other.augmentationSeed;
        this.shuffleSeed = other.shuffleSeed;
        this.batchSize = other.batchSize;
        this.dropLast = other.dropLast;
        this.epoch = epoch;
        if (shuffleSeed != null) {
            this.sampler =
                    new BatchSampler(new SeededShuffle(shuffleSeed, epoch), batchSize, dropLast);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The same images with the shuffle order and augmentations of the given epoch (0-based). Cheap:
     * the pixels are shared.
     */
    public ImageClassificationDataset forEpoch(int epoch) {
        Builder copy = new Builder();
        copy.setSampling(sampler);
        copy.optDataBatchifier(dataBatchifier);
        copy.optLabelBatchifier(labelBatchifier);
        copy.optLimit(limit);
        copy.optPrefetchNumber(prefetchNumber);
        if (device != null) {
            copy.optDevice(device);
        }
        return new ImageClassificationDataset(this, copy, epoch);
    }

    @Override
    public Record get(NDManager manager, long index) {
        int i = Math.toIntExact(index);
        float[] chw =
                normalization.normalizeToChw(
                        images.image(i), images.shape().height(), images.shape().width());
        if (augmentation != null) {
            chw =
                    augmentation.apply(
                            chw,
                            images.shape().channels(),
                            images.shape().height(),
                            images.shape().width(),
                            new SplittableRandom(SeededShuffle.mix(augmentationSeed, epoch, i)));
        }
        NDArray data = manager.create(chw, inputShape());
        NDArray label = manager.create((float) images.label(i));
        return new Record(new NDList(data), new NDList(label));
    }

    @Override
    protected long availableSize() {
        return images.size();
    }

    @Override
    public void prepare(Progress progress) {
        // Everything is in memory already.
    }

    /** One image's shape: channels, height, width. */
    public Shape inputShape() {
        return new Shape(
                images.shape().channels(), images.shape().height(), images.shape().width());
    }

    public LabelledImages images() {
        return images;
    }

    public List<String> classNames() {
        return images.classNames();
    }

    public ChannelStatistics normalization() {
        return normalization;
    }

    public boolean isAugmented() {
        return augmentation != null;
    }

    /** The epoch whose order and augmentations this view gives. */
    public int epoch() {
        return epoch;
    }

    /**
     * {@code setX} are required, {@code optX} optional. Sampling is required too: either {@link
     * #setShuffledSampling} (training) or DJL's {@code setSampling(batchSize, false)} (evaluation).
     */
    public static final class Builder extends BaseBuilder<Builder> {
        private LabelledImages images;
        private ChannelStatistics normalization;
        private PadCropFlip augmentation;
        private long augmentationSeed;
        private Long shuffleSeed;
        private int batchSize;
        private boolean dropLast;

        private Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        /** The images and labels (required). */
        public Builder setImages(LabelledImages images) {
            this.images = Objects.requireNonNull(images, "images");
            return this;
        }

        /** The training set's channel statistics (required; also for test sets). */
        public Builder setNormalization(ChannelStatistics normalization) {
            this.normalization = Objects.requireNonNull(normalization, "normalization");
            return this;
        }

        /** Augments each image with a random source derived from (seed, epoch, index). */
        public Builder optAugmentation(PadCropFlip augmentation, long seed) {
            this.augmentation = Objects.requireNonNull(augmentation, "augmentation");
            this.augmentationSeed = seed;
            return this;
        }

        /**
         * Batches in an order that depends only on (seed, epoch).
         *
         * @param dropLast leave out the last, smaller batch (do this for training: a tiny batch
         *     gives batch normalisation noisy statistics)
         */
        public Builder setShuffledSampling(int batchSize, long seed, boolean dropLast) {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
            }
            this.shuffleSeed = seed;
            this.batchSize = batchSize;
            this.dropLast = dropLast;
            return setSampling(new BatchSampler(new SeededShuffle(seed, 0), batchSize, dropLast));
        }

        public ImageClassificationDataset build() {
            if (images == null) {
                throw new IllegalArgumentException("images must be set with setImages");
            }
            if (normalization == null) {
                throw new IllegalArgumentException(
                        "normalization must be set with setNormalization"
                                + " (ChannelStatistics.compute(trainingImages))");
            }
            if (normalization.channels() != images.shape().channels()) {
                throw new IllegalArgumentException(
                        images.name()
                                + " has "
                                + images.shape().channels()
                                + " channels but the normalization has "
                                + normalization.channels());
            }
            if (sampler == null) {
                throw new IllegalArgumentException(
                        "sampling must be set with setShuffledSampling(batchSize,"
                                + " seed, dropLast) or setSampling(batchSize, false)");
            }
            return new ImageClassificationDataset(this);
        }
    }
}
