package io.resflow.trainer.resnet;

/**
 * One square, bias-free 2-D convolution with symmetric zero padding (DJL/PyTorch semantics).
 *
 * <p>Its weight is the parameter {@code name + ".weight"} with shape (out, in, kernel, kernel),
 * i.e. OIHW. Output size is {@code (in + 2 * padding - kernel) / stride + 1} (floor), which is what
 * PyTorch computes and what an exporter must reproduce with explicit paddings (TensorFlow's {@code
 * SAME} pads asymmetrically at stride 2).
 *
 * @param name canonical prefix, e.g. {@code stage2.unit1.conv1}
 * @param inChannels input channels
 * @param outChannels output channels (filters)
 * @param kernel kernel height and width
 * @param stride stride in both directions
 * @param padding zero padding on every side
 * @param inHeight input height
 * @param inWidth input width
 */
public record ConvSpec(
        String name,
        int inChannels,
        int outChannels,
        int kernel,
        int stride,
        int padding,
        int inHeight,
        int inWidth) {

    /** Output height. */
    public int outHeight() {
        return outSize(inHeight, kernel, stride, padding);
    }

    /** Output width. */
    public int outWidth() {
        return outSize(inWidth, kernel, stride, padding);
    }

    /** Canonical name of the weight parameter, {@code name + ".weight"}. */
    public String weightName() {
        return name + ".weight";
    }

    /** Weight shape (out, in, kernel, kernel), as DJL and PyTorch store it. */
    public long[] weightShape() {
        return new long[] {outChannels, inChannels, kernel, kernel};
    }

    static int outSize(int in, int kernel, int stride, int padding) {
        return Math.floorDiv(in + 2 * padding - kernel, stride) + 1;
    }
}
