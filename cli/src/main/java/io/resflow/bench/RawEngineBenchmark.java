package io.resflow.bench;

import io.resflow.runtime.savedmodel.SavedModelClassifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's own batched throughput: {@link SavedModelClassifier#predict} on ready-made inputs,
 * including the copy into and out of TensorFlow, nothing else. The ceiling the pipeline is
 * measured against.
 */
final class RawEngineBenchmark {

    record Point(int batchSize, double imagesPerSecond) {}

    private final SavedModelClassifier model;
    private final float[] images;
    private final int valuesPerImage;
    private final long nanosPerPoint;

    RawEngineBenchmark(SavedModelClassifier model, float[] images, long millisPerPoint) {
        this.model = model;
        this.images = images;
        this.valuesPerImage = model.metadata().input().valuesPerImage();
        this.nanosPerPoint = millisPerPoint * 1_000_000L;
    }

    List<Point> sweep(List<Integer> batchSizes) {
        List<Point> points = new ArrayList<>();
        for (int batchSize : batchSizes) {
            points.add(measure(batchSize));
        }
        return points;
    }

    Point measure(int batchSize) {
        int available = images.length / valuesPerImage;
        float[] batch = new float[batchSize * valuesPerImage];
        int next = 0;
        // Warm-up: TensorFlow specialises kernels to each new batch shape on first use.
        for (int i = 0; i < 3; i++) {
            model.predict(fill(batch, batchSize, i * batchSize % available, available), batchSize);
        }
        long scored = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < nanosPerPoint) {
            model.predict(fill(batch, batchSize, next, available), batchSize);
            next = (next + batchSize) % available;
            scored += batchSize;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Point(batchSize, scored / seconds);
    }

    private float[] fill(float[] batch, int batchSize, int first, int available) {
        for (int i = 0; i < batchSize; i++) {
            System.arraycopy(images, ((first + i) % available) * valuesPerImage, batch, i * valuesPerImage,
                    valuesPerImage);
        }
        return batch;
    }
}
