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
 * @param maxLogDifference largest |log p_TensorFlow - log p_PyTorch| where either is at least
 *     {@link ParityGate#LOG_FLOOR}
 * @param worstLogImage image index where that occurs
 * @param worstLogClass class index where that occurs
 * @param logTolerance the largest log-probability difference the gate accepts
 * @param decisiveDisagreements images whose most likely class differs although the reference's top
 *     two are further apart than twice the tolerance
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
        double tolerance,
        double maxLogDifference,
        int worstLogImage,
        int worstLogClass,
        double logTolerance,
        int decisiveDisagreements) {

    /**
     * Whether every probability is within {@link #tolerance()}, every log-probability above the
     * floor within {@link #logTolerance()}, and no image's most likely class differs but for a tie.
     */
    public boolean passed() {
        return maxAbsDifference <= tolerance
                && maxLogDifference <= logTolerance
                && decisiveDisagreements == 0;
    }

    /** One line for logs and the CLI. */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "max |p_tf - p_pt| = %.3g over %d images x %d classes (worst: image %d, class %d:"
                    + " PyTorch %.6f, TensorFlow %.6f); tolerance %.1g; max |log p_tf - log p_pt| ="
                    + " %.3g where p >= %.0e (image %d, class %d; tolerance %.0e); top-1 agreement"
                    + " %d/%d, %d decisive disagreement(s): %s",
                maxAbsDifference,
                images,
                classes,
                worstImage,
                worstClass,
                pytorchProbability,
                tensorflowProbability,
                tolerance,
                maxLogDifference,
                ParityGate.LOG_FLOOR,
                worstLogImage,
                worstLogClass,
                logTolerance,
                top1Agreements,
                images,
                decisiveDisagreements,
                passed() ? "passed" : "FAILED");
    }

    @Override
    public String toString() {
        return describe();
    }
}
