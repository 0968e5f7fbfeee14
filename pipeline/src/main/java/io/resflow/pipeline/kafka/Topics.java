package io.resflow.pipeline.kafka;

/**
 * The default topic names, in one place: the pipeline, the launcher, the tests and the Kubernetes
 * manifests all take them from here.
 */
public final class Topics {

    /** Camera frames, {@code ImageRecord}, keyed by source. */
    public static final String IMAGES = "images";

    /** Predictions, {@code Prediction}, keyed by source. */
    public static final String LABELS = "labels";

    /** Records the pipeline could not process, {@code DeadLetter}. */
    public static final String DEAD_LETTERS = "dead-letters";

    /**
     * Low-confidence or mislabelled frames with their bytes, {@code ImageRecord}: the retraining
     * feed.
     */
    public static final String RETRAINING = "retraining";

    /** Per-source windowed label counts, {@code LabelStats}. */
    public static final String LABEL_STATS = "label-stats";

    private Topics() {}
}
