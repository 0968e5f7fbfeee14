package io.resflow.pipeline.scoring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects single-image requests into batches of up to {@code maxBatchSize}, or whatever has
 * arrived {@code maxBatchDelay} after the oldest waiting request, whichever comes first, and runs
 * one {@link BatchModel#predict} per batch on a dedicated thread. Requests from every caller (all
 * Flink slots of a TaskManager that share the model) join the same batches.
 *
 * <p>With {@code concurrentBatches} above one, that many threads each collect and predict their own
 * batch, so one batch is being filled and copied while another is in the engine (the model must
 * allow concurrent predictions, as {@code SavedModelClassifier} does). One thread fills at a time:
 * if every idle thread took requests from the queue, light load would be split into several small
 * batches side by side instead of one.
 *
 * <p>Failures are per batch: every request of a failed batch completes exceptionally, the scorer
 * keeps running. A request whose future is already done when a batch is collected (its caller gave
 * up on it, e.g. cancelled it at a timeout) is dropped, not scored: else under a backlog every new
 * request would queue behind stale ones and time out in turn.
 */
public final class BatchScorer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchScorer.class);

    /** The scores of one image and how its batch went. */
    public record Scores(
            float[] probabilities, int batchSize, long queueWaitMicros, long inferenceMicros) {}

    private record Request(float[] values, long enqueuedNanos, CompletableFuture<Scores> result) {}

    private final BatchModel model;
    private final int maxBatchSize;
    private final long maxBatchDelayNanos;
    private final int valuesPerImage;
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final ReentrantLock filling = new ReentrantLock();
    private final List<Thread> workers;
    private volatile boolean running = true;

    public BatchScorer(BatchModel model, int maxBatchSize, Duration maxBatchDelay) {
        this(model, maxBatchSize, maxBatchDelay, 1);
    }

    public BatchScorer(
            BatchModel model, int maxBatchSize, Duration maxBatchDelay, int concurrentBatches) {
        if (concurrentBatches < 1) {
            throw new IllegalArgumentException(
                    "concurrentBatches must be at least 1, got " + concurrentBatches);
        }
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException(
                    "maxBatchSize must be at least 1, got " + maxBatchSize);
        }
        if (maxBatchDelay.isNegative()) {
            throw new IllegalArgumentException(
                    "maxBatchDelay must not be negative, got " + maxBatchDelay);
        }
        this.model = model;
        this.maxBatchSize = maxBatchSize;
        this.maxBatchDelayNanos = maxBatchDelay.toNanos();
        this.valuesPerImage = model.metadata().input().shape().values();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < concurrentBatches; i++) {
            Thread worker =
                    new Thread(this::run, "resflow-batch-scorer-" + model.device() + "-" + i);
            worker.setDaemon(true);
            threads.add(worker);
        }
        this.workers = List.copyOf(threads);
    }

    /**
     * Runs the model once at full and once at single-image batch size, so the first real batch does
     * not pay for graph optimisation and memory allocation; returns this, started.
     */
    public BatchScorer warmUpAndStart() {
        long start = System.nanoTime();
        model.predict(new float[maxBatchSize * valuesPerImage], maxBatchSize);
        model.predict(new float[valuesPerImage], 1);
        LOG.info(
                "Model {} warmed up on {} (batch {} and 1) in {} ms; {} batch(es) at a time",
                model.metadata().name(),
                model.device(),
                maxBatchSize,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                workers.size());
        workers.forEach(Thread::start);
        return this;
    }

    public BatchModel model() {
        return model;
    }

    /** Queues one image (values in the model's layout) for the next batch. */
    public CompletableFuture<Scores> submit(float[] values) {
        CompletableFuture<Scores> result = new CompletableFuture<>();
        if (values.length != valuesPerImage) {
            result.completeExceptionally(
                    new IllegalArgumentException(
                            "the model takes "
                                    + valuesPerImage
                                    + " values per image, got "
                                    + values.length));
            return result;
        }
        if (!running) {
            result.completeExceptionally(new IllegalStateException("the batch scorer is closed"));
            return result;
        }
        queue.add(new Request(values, System.nanoTime(), result));
        return result;
    }

    private void run() {
        List<Request> batch = new ArrayList<>(maxBatchSize);
        while (running) {
            try {
                filling.lockInterruptibly();
                try {
                    fill(batch);
                } finally {
                    filling.unlock();
                }
                if (!batch.isEmpty()) {
                    score(batch);
                }
            } catch (InterruptedException e) {
                // Closing: a batch still being collected must not leave its callers waiting
                // forever.
                batch.forEach(
                        r ->
                                r.result()
                                        .completeExceptionally(
                                                new IllegalStateException(
                                                        "the batch scorer was closed")));
                Thread.currentThread().interrupt();
                break;
            } catch (RuntimeException | Error e) {
                // score() completes its own batch's model failures; this is batching itself failing
                // (e.g. out of
                // memory for the batch's array). The worker must live on: if it died, every later
                // request would
                // wait for its timeout while the job looked healthy.
                LOG.error("Batch scorer loop failed; failing {} queued requests", batch.size(), e);
                batch.forEach(r -> r.result().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
        Request left;
        while ((left = queue.poll()) != null) {
            left.result()
                    .completeExceptionally(
                            new IllegalStateException("the batch scorer was closed"));
        }
    }

    /**
     * Collects one batch: waits up to 100 ms for a first request, then for more until the batch is
     * full or the first has waited {@code maxBatchDelay}. Leaves {@code batch} empty when nothing
     * came.
     */
    private void fill(List<Request> batch) throws InterruptedException {
        Request first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null || first.result().isDone()) {
            return;
        }
        batch.add(first);
        long deadline = first.enqueuedNanos() + maxBatchDelayNanos;
        while (batch.size() < maxBatchSize) {
            long remaining = deadline - System.nanoTime();
            // Take what is already queued even past the deadline: it costs no waiting.
            Request next =
                    remaining > 0 ? queue.poll(remaining, TimeUnit.NANOSECONDS) : queue.poll();
            if (next == null) {
                return;
            }
            if (!next.result().isDone()) {
                batch.add(next);
            }
        }
    }

    private void score(List<Request> batch) {
        int n = batch.size();
        float[] inputs = new float[n * valuesPerImage];
        for (int i = 0; i < n; i++) {
            System.arraycopy(batch.get(i).values(), 0, inputs, i * valuesPerImage, valuesPerImage);
        }
        long start = System.nanoTime();
        float[][] probabilities;
        try {
            probabilities = model.predict(inputs, n);
        } catch (RuntimeException | Error e) {
            LOG.warn("Scoring a batch of {} failed: {}", n, e.toString());
            batch.forEach(r -> r.result().completeExceptionally(e));
            return;
        }
        long end = System.nanoTime();
        long inferenceMicros = TimeUnit.NANOSECONDS.toMicros(end - start);
        for (int i = 0; i < n; i++) {
            Request request = batch.get(i);
            request.result()
                    .complete(
                            new Scores(
                                    probabilities[i],
                                    n,
                                    TimeUnit.NANOSECONDS.toMicros(start - request.enqueuedNanos()),
                                    inferenceMicros));
        }
    }

    /** Stops the worker (failing what is still queued) and closes the model. */
    @Override
    public void close() {
        running = false;
        workers.forEach(Thread::interrupt);
        try {
            for (Thread worker : workers) {
                worker.join(TimeUnit.SECONDS.toMillis(10));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        model.close();
    }
}
