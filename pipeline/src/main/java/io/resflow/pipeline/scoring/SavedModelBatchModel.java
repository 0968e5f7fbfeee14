package io.resflow.pipeline.scoring;

import ai.djl.Device;
import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.runtime.savedmodel.SavedModelClassifier;
import io.resflow.runtime.savedmodel.SessionThreads;
import java.io.IOException;
import java.nio.file.Path;

/** A ResFlow SavedModel on DJL's TensorFlow engine, through model-runtime. */
public final class SavedModelBatchModel implements BatchModel {

    private final SavedModelClassifier classifier;

    private SavedModelBatchModel(SavedModelClassifier classifier) {
        this.classifier = classifier;
    }

    public static SavedModelBatchModel open(
            Path savedModelDir, Device device, SessionThreads threads) throws IOException {
        return new SavedModelBatchModel(SavedModelClassifier.open(savedModelDir, device, threads));
    }

    @Override
    public ModelMetadata metadata() {
        return classifier.metadata();
    }

    @Override
    public String device() {
        return classifier.device().toString();
    }

    @Override
    public float[][] predict(float[] inputs, int imageCount) {
        return classifier.predict(inputs, imageCount);
    }

    @Override
    public void close() {
        classifier.close();
    }
}
