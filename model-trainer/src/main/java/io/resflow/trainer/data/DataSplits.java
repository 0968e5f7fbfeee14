package io.resflow.trainer.data;

import io.resflow.datasets.LabelledImages;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded random subsets and train/hold-out splits of {@link LabelledImages}, e.g. to keep a test
 * set back from a retraining feed that has none.
 *
 * <pre>{@code
 * DataSplits.Split split = DataSplits.holdOut(feed.images(), 1000, 42);
 * trainer.train(block, split.train(), split.holdOut());
 * }</pre>
 */
public final class DataSplits {

    /** The two parts of a split; together they hold every image once. */
    public record Split(LabelledImages train, LabelledImages holdOut) {}

    private DataSplits() {}

    /** A random {@code holdOutCount} images become the hold-out set, the rest the training set. */
    public static Split holdOut(LabelledImages images, int holdOutCount, long seed) {
        if (holdOutCount <= 0 || holdOutCount >= images.size()) {
            throw new IllegalArgumentException(
                    images.name()
                            + ": hold-out count must be in 1.."
                            + (images.size() - 1)
                            + " for "
                            + images.size()
                            + " images, got "
                            + holdOutCount);
        }
        int[] order = shuffled(images.size(), seed);
        int[] holdOut = Arrays.copyOfRange(order, 0, holdOutCount);
        int[] train = Arrays.copyOfRange(order, holdOutCount, order.length);
        Arrays.sort(holdOut); // keep the original order within each part
        Arrays.sort(train);
        return new Split(
                subset(images, train, images.name() + "-train"),
                subset(images, holdOut, images.name() + "-holdout"));
    }

    /** {@code count} images chosen at random, in their original order. */
    public static LabelledImages sample(LabelledImages images, int count, long seed) {
        if (count <= 0 || count > images.size()) {
            throw new IllegalArgumentException(
                    images.name()
                            + ": sample size must be in 1.."
                            + images.size()
                            + ", got "
                            + count);
        }
        int[] chosen = Arrays.copyOf(shuffled(images.size(), seed), count);
        Arrays.sort(chosen);
        return subset(images, chosen, images.name() + "-sample" + count);
    }

    /** The images at the given indices, in that order. */
    public static LabelledImages subset(LabelledImages images, int[] indices, String name) {
        int size = images.shape().values();
        byte[] pixels = new byte[indices.length * size];
        int[] labels = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(images.image(indices[i]), 0, pixels, i * size, size);
            labels[i] = images.label(indices[i]);
        }
        return new LabelledImages(
                name,
                images.shape().height(),
                images.shape().width(),
                images.shape().channels(),
                pixels,
                labels,
                images.classNames());
    }

    private static int[] shuffled(int size, long seed) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
