package io.resflow.trainer.data;

import java.util.SplittableRandom;

/**
 * The data augmentation of He et al. (2015) §4.2 for CIFAR-10, after Lee et al. (2014): pad each
 * side with 4 zero pixels, take a random crop of the original size, and flip it horizontally with
 * probability 1/2. Training only; test images are used as they are.
 *
 * <p>Applied to the normalised CHW image, so padded pixels are zeros after normalisation, i.e. the
 * channel mean, as in fb.resnet.torch's CIFAR pipeline. Every call is a pure function of its random
 * source, which the dataset derives from (seed, epoch, image index): runs are repeatable, and a
 * resumed run sees the same augmentations as an uninterrupted one.
 */
public final class PadCropFlip {

    /** The paper's padding. */
    public static final int PAPER_PADDING = 4;

    private final int padding;
    private final boolean flip;

    /**
     * @param padding pixels of zero padding on each side, 0 for flips only
     * @param flip whether to flip horizontally with probability 1/2
     */
    public PadCropFlip(int padding, boolean flip) {
        if (padding < 0) {
            throw new IllegalArgumentException("padding must be >= 0, got " + padding);
        }
        this.padding = padding;
        this.flip = flip;
    }

    /** Pad 4, random crop, random horizontal flip (§4.2). */
    public static PadCropFlip paper() {
        return new PadCropFlip(PAPER_PADDING, true);
    }

    public int padding() {
        return padding;
    }

    public boolean flips() {
        return flip;
    }

    /**
     * A randomly shifted (and possibly mirrored) copy of a CHW image, same shape.
     *
     * @param chw channels x height x width floats; not modified
     */
    public float[] apply(
            float[] chw, int channels, int height, int width, SplittableRandom random) {
        if (chw.length != channels * height * width) {
            throw new IllegalArgumentException(
                    channels
                            + "x"
                            + height
                            + "x"
                            + width
                            + " image needs "
                            + channels * height * width
                            + " values, got "
                            + chw.length);
        }
        // Crop offset inside the padded image, 0..2p; source = output + offset - p.
        int dy = random.nextInt(2 * padding + 1) - padding;
        int dx = random.nextInt(2 * padding + 1) - padding;
        boolean mirror = flip && random.nextBoolean();
        float[] out = new float[chw.length];
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            int sy = y + dy;
            if (sy < 0 || sy >= height) {
                continue; // padding: stays 0
            }
            for (int x = 0; x < width; x++) {
                int sx = (mirror ? width - 1 - x : x) + dx;
                if (sx < 0 || sx >= width) {
                    continue;
                }
                for (int c = 0; c < channels; c++) {
                    out[c * plane + y * width + x] = chw[c * plane + sy * width + sx];
                }
            }
        }
        return out;
    }
}
