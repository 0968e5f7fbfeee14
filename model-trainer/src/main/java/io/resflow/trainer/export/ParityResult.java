package io.resflow.trainer.export;

import java.util.Locale;

/**
 * How closely an exported SavedModel (DJL TensorFlow engine) reproduces the trained model (DJL
 * PyTorch engine) on the same images.
 *
 * @param images images compared
 * @param classes probabilities per image
 * @param maxAbsDifference largest |p_TensorFlow - p_PyTorch| over all images and classes
 * @param worstImage image index (0-based, in the order given) where it occurs
 * @param worstClass class index where it occurs
 * @param pytorchProbability the PyTorch probability there
 * @param tensorflowProbability the TensorFlow probability there
 * @param top1Agreements images whose most likely class is the same in both engines
 * @param tolerance the largest difference the gate accepts
 */
public record ParityResult(
        int images,
        int classes,
        double maxAbsDifference,
        int worstImage,
        int worstClass,
        float pytorchProbability,
        float tensorflowProbability,
        int top1Agreements,
        double tolerance) {

    /** Whether every probability is within {@link #tolerance()}. */
    public boolean passed() {
        return maxAbsDifference <= tolerance;
    }

    /** One line for logs and the CLI. */
    public String describe() {
        return String.format(Locale.ROOT,
                "max |p_tf - p_pt| = %.3g over %d images x %d classes (worst: image %d, class %d: PyTorch %.6f, "
                        + "TensorFlow %.6f); top-1 agreement %d/%d; tolerance %.1g: %s",
                maxAbsDifference, images, classes, worstImage, worstClass, pytorchProbability, tensorflowProbability,
                top1Agreements, images, tolerance, passed() ? "passed" : "FAILED");
    }

    @Override
    public String toString() {
        return describe();
    }
}
