package io.resflow.pipeline.scoring;

import io.resflow.runtime.metadata.ModelMetadata;

/** A classifier that scores many images in one call. */
public interface BatchModel extends AutoCloseable {

    ModelMetadata metadata();

    /** Where it runs, for logs and metrics (e.g. "cpu()", "gpu(1)"). */
    String device();

    /**
     * Probabilities for {@code imageCount} images whose values are concatenated in {@code inputs},
     * each image in the layout and shape of {@link #metadata()}.
     */
    float[][] predict(float[] inputs, int imageCount);

    @Override
    void close();
}
