package io.resflow.runtime.images;

import io.resflow.datasets.ImageShape;

/**
 * Bilinear resizing of 8-bit HWC pixels, in plain Java. Sample positions are pixel centres (the
 * convention of OpenCV's {@code INTER_LINEAR} and TensorFlow's {@code half_pixel_centers}), edges
 * are clamped and results rounded to the nearest byte. Written out rather than left to Java2D,
 * whose two entry points the trainer and the job used gave different values (issue 15) and whose
 * loops are native code chosen per platform; this is one strict-IEEE computation everywhere.
 *
 * <p>Like every plain bilinear filter it aliases when shrinking by more than 2x (it reads 2x2
 * neighbours, whatever the scale): feed images near the model's size.
 */
final class BilinearResize {

    private BilinearResize() {}

    /**
     * @param pixels HWC bytes of {@code from}
     * @param to the height and width to resize to; its channels are ignored ({@code from}'s kept)
     */
    static byte[] resize(byte[] pixels, ImageShape from, ImageShape to) {
        int channels = from.channels();
        int height = to.height();
        int width = to.width();
        int[] x0 = new int[width];
        int[] x1 = new int[width];
        double[] fx = new double[width];
        sampling(from.width(), width, x0, x1, fx);
        int[] y0 = new int[height];
        int[] y1 = new int[height];
        double[] fy = new double[height];
        sampling(from.height(), height, y0, y1, fy);
        int sourceRow = from.width() * channels;
        byte[] out = new byte[height * width * channels];
        int o = 0;
        for (int y = 0; y < height; y++) {
            int top = y0[y] * sourceRow;
            int bottom = y1[y] * sourceRow;
            double wy = fy[y];
            for (int x = 0; x < width; x++) {
                int left = x0[x] * channels;
                int right = x1[x] * channels;
                double wx = fx[x];
                for (int c = 0; c < channels; c++) {
                    double upper =
                            (pixels[top + left + c] & 0xFF) * (1 - wx)
                                    + (pixels[top + right + c] & 0xFF) * wx;
                    double lower =
                            (pixels[bottom + left + c] & 0xFF) * (1 - wx)
                                    + (pixels[bottom + right + c] & 0xFF) * wx;
                    out[o++] = (byte) Math.round(upper * (1 - wy) + lower * wy);
                }
            }
        }
        return out;
    }

    /**
     * For each target index along one axis: the two source indices around its centre and the weight
     * of the second.
     */
    private static void sampling(int source, int target, int[] first, int[] second, double[] w) {
        double scale = (double) source / target;
        for (int i = 0; i < target; i++) {
            double position = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), source - 1);
            int lower = (int) position;
            first[i] = lower;
            second[i] = Math.min(lower + 1, source - 1);
            w[i] = position - lower;
        }
    }
}
