package io.resflow.trainer.data;

import io.resflow.datasets.LabelledImages;
import java.util.Arrays;

/**
 * Per-channel mean and standard deviation of a training set's pixels on the 0..1 scale, the
 * normalisation the network sees: {@code x' = (pixel / 255 - mean[c]) / std[c]}.
 *
 * <p>Computed from the training set only and stored with the model, so that serving applies the
 * same transform. He et al. (2015) subtract the per-pixel mean (§4.2); a per-channel mean and
 * standard deviation is the common modern variant and does not tie the model to one image size. A
 * channel with no variation gets std 1 so that it is centred, not divided by zero.
 */
public final class ChannelStatistics {

    private final float[] mean;
    private final float[] std;

    public ChannelStatistics(float[] mean, float[] std) {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException(
                    "mean and std need one value per channel, got "
                            + mean.length
                            + " and "
                            + std.length);
        }
        for (float s : std) {
            if (!(s > 0) || Float.isInfinite(s)) {
                throw new IllegalArgumentException(
                        "std values must be positive and finite, got " + Arrays.toString(std));
            }
        }
        this.mean = mean.clone();
        this.std = std.clone();
    }

    /** Mean and (population) standard deviation of every channel over all pixels of all images. */
    public static ChannelStatistics compute(LabelledImages images) {
        if (images.size() == 0) {
            throw new IllegalArgumentException(
                    images.name() + ": no images to compute statistics from");
        }
        int channels = images.shape().channels();
        double[] sum = new double[channels];
        double[] sumOfSquares = new double[channels];
        int imageSize = images.shape().values();
        // Integer sums per image are exact; doubles over up to 10^9 pixels keep ~7 digits.
        for (int i = 0; i < images.size(); i++) {
            long[] s = new long[channels];
            long[] sq = new long[channels];
            for (int offset = 0; offset < imageSize; offset++) {
                int v = images.pixel(i, offset);
                int c = offset % channels;
                s[c] += v;
                sq[c] += (long) v * v;
            }
            for (int c = 0; c < channels; c++) {
                sum[c] += s[c];
                sumOfSquares[c] += sq[c];
            }
        }
        double count = (double) images.size() * images.shape().height() * images.shape().width();
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            double m = sum[c] / count;
            double variance = Math.max(0, sumOfSquares[c] / count - m * m);
            mean[c] = (float) (m / 255);
            double s = Math.sqrt(variance) / 255;
            std[c] = s > 1e-6 ? (float) s : 1f;
        }
        return new ChannelStatistics(mean, std);
    }

    public int channels() {
        return mean.length;
    }

    /** A copy of the means, one per channel, on the 0..1 scale. */
    public float[] mean() {
        return mean.clone();
    }

    /** A copy of the standard deviations, one per channel, on the 0..1 scale. */
    public float[] std() {
        return std.clone();
    }

    public float mean(int channel) {
        return mean[channel];
    }

    public float std(int channel) {
        return std[channel];
    }

    /**
     * One image's HWC bytes as normalised CHW floats, the layout a DJL convolution takes.
     *
     * @param hwc row-major height x width x channels bytes
     */
    public float[] normalizeToChw(byte[] hwc, int height, int width) {
        int channels = mean.length;
        if (hwc.length != height * width * channels) {
            throw new IllegalArgumentException(
                    height
                            + "x"
                            + width
                            + "x"
                            + channels
                            + " image needs "
                            + height * width * channels
                            + " bytes, got "
                            + hwc.length);
        }
        float[] chw = new float[hwc.length];
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            float scale = 1f / (255f * std[c]);
            float shift = mean[c] / std[c];
            for (int p = 0; p < plane; p++) {
                chw[c * plane + p] = (hwc[p * channels + c] & 0xFF) * scale - shift;
            }
        }
        return chw;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelStatistics other
                && Arrays.equals(mean, other.mean)
                && Arrays.equals(std, other.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "ChannelStatistics[mean="
                + Arrays.toString(mean)
                + ", std="
                + Arrays.toString(std)
                + "]";
    }
}
