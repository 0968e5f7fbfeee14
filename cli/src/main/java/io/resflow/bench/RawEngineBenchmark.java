package io.resflow.bench;

import io.resflow.runtime.savedmodel.SavedModelClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The engine's own batched throughput: {@link SavedModelClassifier#predict} on ready-made inputs,
 * including the copy into and out of TensorFlow, nothing else. The ceiling the pipeline is measured
 * against.
 */
final class RawEngineBenchmark {

    record Point(int batchSize, int concurrency, double imagesPerSecond) {}

    private final SavedModelClassifier model;
    private final float[] images;
    private final int valuesPerImage;
    private final long nanosPerPoint;

    RawEngineBenchmark(SavedModelClassifier model, float[] images, long millisPerPoint) {
        this.model = model;
        this.images = images;
        this.valuesPerImage = model.metadata().input().shape().values();
        this.nanosPerPoint = millisPerPoint * 1_000_000L;
    }

    /** One caller predicting batch after batch. */
    Point measure(int batchSize) {
        return measure(batchSize, 1);
    }

    /**
     * {@code concurrency} callers predicting side by side, as the pipeline's concurrent batches do.
     */
    Point measure(int batchSize, int concurrency) {
        ExecutorService callers = Executors.newFixedThreadPool(concurrency);
        try {
            List<Future<Long>> scored = new ArrayList<>();
            long start = System.nanoTime();
            for (int c = 0; c < concurrency; c++) {
                int offset = c * batchSize;
                scored.add(
                        callers.submit(
                                () -> predictUntil(batchSize, offset, start + nanosPerPoint)));
            }
            long total = 0;
            for (Future<Long> f : scored) {
                total += f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Point(batchSize, concurrency, total / seconds);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Raw engine benchmark at batch " + batchSize + " failed", e);
        } finally {
            callers.shutdownNow();
        }
    }

    private long predictUntil(int batchSize, int first, long deadline) {
        int available = images.length / valuesPerImage;
        float[] batch = new float[batchSize * valuesPerImage];
        int next = first % available;
        // Warm-up: TensorFlow specialises kernels to each new batch shape on first use.
        for (int i = 0; i < 3; i++) {
            model.predict(
                    fill(batch, batchSize, (next + i * batchSize) % available, available),
                    batchSize);
        }
        long scored = 0;
        while (System.nanoTime() < deadline) {
            model.predict(fill(batch, batchSize, next, available), batchSize);
            next = (next + batchSize) % available;
            scored += batchSize;
        }
        return scored;
    }

    private float[] fill(float[] batch, int batchSize, int first, int available) {
        for (int i = 0; i < batchSize; i++) {
            System.arraycopy(
                    images,
                    ((first + i) % available) * valuesPerImage,
                    batch,
                    i * valuesPerImage,
                    valuesPerImage);
        }
        return batch;
    }
}
