package io.resflow.pipeline.records;

/**
 * A label for one frame, as it will be written to the labels topic (Avro {@code Prediction}). Top-k
 * as parallel arrays so Flink serializes it as a POJO, not with Kryo.
 */
public record PredictionRecord(
        String imageId,
        String source,
        long captureTime,
        long scoredTime,
        String modelName,
        String modelVersion,
        int[] topIndices,
        String[] topLabels,
        float[] topScores,
        Integer groundTruthLabel,
        int batchSize,
        long queueWaitMicros,
        long inferenceMicros,
        long endToEndMicros) {

    public int top1Index() {
        return topIndices[0];
    }

    public String top1Label() {
        return topLabels[0];
    }

    public float top1Score() {
        return topScores[0];
    }
}
