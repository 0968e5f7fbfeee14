package io.resflow.pipeline.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resflow.runtime.metadata.InputSpec;
import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.runtime.metadata.SignatureSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Batching logic against a stand-in model (the real TensorFlow model is exercised in
 * ClassifyJobITCase): this test needs to control timing and failures exactly.
 */
class BatchScorerTest {

    /** Scores each 2-value image as [v0, v1]; records every batch size; can be told to fail. */
    private static class RecordingModel implements BatchModel {
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        volatile boolean fail;
        volatile boolean closed;

        /** Counted down as a batch enters predict; predict then waits for {@link #release}. */
        volatile CountDownLatch entered = new CountDownLatch(0);

        volatile CountDownLatch release = new CountDownLatch(0);

        private final ModelMetadata metadata =
                ModelMetadata.builder()
                        .setName("recording")
                        .setVersion("1")
                        .setLabels(List.of("a", "b"))
                        .setInput(
                                InputSpec.builder()
                                        .setHeight(1)
                                        .setWidth(2)
                                        .setChannels(1)
                                        .setPixelScale(1f)
                                        .setMean(0f)
                                        .setStd(1f)
                                        .build())
                        .setSignature(SignatureSpec.servingDefault("input", "probabilities"))
                        .setArchitecture("identity")
                        .setParameterCount(1)
                        .setDataset("none")
                        .setCreatedAt(Instant.EPOCH)
                        .build();

        @Override
        public ModelMetadata metadata() {
            return metadata;
        }

        @Override
        public String device() {
            return "cpu()";
        }

        @Override
        public float[][] predict(float[] inputs, int imageCount) {
            batchSizes.add(imageCount);
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (fail) {
                throw new IllegalStateException("model exploded");
            }
            float[][] out = new float[imageCount][];
            for (int i = 0; i < imageCount; i++) {
                out[i] = new float[] {inputs[2 * i], inputs[2 * i + 1]};
            }
            return out;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void fullBatchesGoOutWithoutWaitingForTheDelay() throws Exception {
        RecordingModel model = new RecordingModel();
        try (BatchScorer scorer =
                new BatchScorer(model, 4, Duration.ofSeconds(30)).warmUpAndStart()) {
            model.batchSizes.clear();
            List<CompletableFuture<BatchScorer.Scores>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(scorer.submit(new float[] {i, -i}));
            }
            for (int i = 0; i < 8; i++) {
                BatchScorer.Scores scores = results.get(i).get(5, TimeUnit.SECONDS);
                assertThat(scores.probabilities()).containsExactly(i, -i);
                assertThat(scores.batchSize()).isEqualTo(4);
            }
            assertThat(model.batchSizes).containsExactly(4, 4);
        }
    }

    @Test
    void aHalfFullBatchGoesOutWhenTheDelayPasses() throws Exception {
        RecordingModel model = new RecordingModel();
        try (BatchScorer scorer =
                new BatchScorer(model, 64, Duration.ofMillis(50)).warmUpAndStart()) {
            model.batchSizes.clear();
            long start = System.nanoTime();
            CompletableFuture<BatchScorer.Scores> a = scorer.submit(new float[] {1, 2});
            CompletableFuture<BatchScorer.Scores> b = scorer.submit(new float[] {3, 4});
            BatchScorer.Scores scores = a.get(5, TimeUnit.SECONDS);
            b.get(5, TimeUnit.SECONDS);
            assertThat(scores.batchSize()).isEqualTo(2);
            assertThat(scores.queueWaitMicros()).isGreaterThanOrEqualTo(40_000);
            assertThat(System.nanoTime() - start)
                    .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(45));
            assertThat(model.batchSizes).containsExactly(2);
        }
    }

    @Test
    void aFailedBatchFailsOnlyItsOwnRequestsAndScoringGoesOn() throws Exception {
        RecordingModel model = new RecordingModel();
        try (BatchScorer scorer =
                new BatchScorer(model, 2, Duration.ofMillis(5)).warmUpAndStart()) {
            model.fail = true;
            CompletableFuture<BatchScorer.Scores> doomed = scorer.submit(new float[] {1, 1});
            assertThatThrownBy(() -> doomed.get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("model exploded");
            model.fail = false;
            assertThat(scorer.submit(new float[] {5, 6}).get(5, TimeUnit.SECONDS).probabilities())
                    .containsExactly(5, 6);
        }
    }

    @Test
    void requestsCancelledWhileQueuedAreNotScored() throws Exception {
        RecordingModel model = new RecordingModel();
        try (BatchScorer scorer =
                new BatchScorer(model, 2, Duration.ofMillis(20)).warmUpAndStart()) {
            model.batchSizes.clear();
            model.entered = new CountDownLatch(1);
            model.release = new CountDownLatch(1);
            CompletableFuture<BatchScorer.Scores> inEngine = scorer.submit(new float[] {1, 1});
            assertThat(model.entered.await(5, TimeUnit.SECONDS)).isTrue();
            // Queued behind the batch in the engine; the first is given up on, as a timeout does.
            CompletableFuture<BatchScorer.Scores> givenUp = scorer.submit(new float[] {2, 2});
            CompletableFuture<BatchScorer.Scores> second = scorer.submit(new float[] {3, 3});
            CompletableFuture<BatchScorer.Scores> third = scorer.submit(new float[] {4, 4});
            givenUp.cancel(false);
            model.release.countDown();

            assertThat(inEngine.get(5, TimeUnit.SECONDS).probabilities()).containsExactly(1, 1);
            assertThat(second.get(5, TimeUnit.SECONDS).probabilities()).containsExactly(3, 3);
            assertThat(third.get(5, TimeUnit.SECONDS).batchSize()).isEqualTo(2);
            assertThat(givenUp).isCancelled();
            assertThat(model.batchSizes).containsExactly(1, 2);
        }
    }

    @Test
    void refusesInputsOfTheWrongLengthWithoutBreakingTheBatch() throws Exception {
        RecordingModel model = new RecordingModel();
        try (BatchScorer scorer =
                new BatchScorer(model, 2, Duration.ofMillis(5)).warmUpAndStart()) {
            assertThatThrownBy(() -> scorer.submit(new float[3]).get(5, TimeUnit.SECONDS))
                    .hasMessageContaining("takes 2 values per image, got 3");
        }
    }

    @Test
    void closeFailsWhatIsStillQueuedAndClosesTheModel() {
        RecordingModel model = new RecordingModel();
        BatchScorer scorer = new BatchScorer(model, 2, Duration.ofMillis(5)).warmUpAndStart();
        scorer.close();
        assertThat(model.closed).isTrue();
        assertThat(scorer.submit(new float[] {1, 2})).isCompletedExceptionally();
    }

    @Test
    void closingWhileABatchIsStillFillingFailsItsRequestsInsteadOfLeavingThemWaiting()
            throws Exception {
        RecordingModel model = new RecordingModel();
        BatchScorer scorer = new BatchScorer(model, 64, Duration.ofSeconds(30)).warmUpAndStart();
        CompletableFuture<BatchScorer.Scores> waiting = scorer.submit(new float[] {1, 2});
        // Let the worker take it into the batch it is collecting (it would wait 30 s for more).
        Thread.sleep(200);
        scorer.close();
        assertThatThrownBy(() -> waiting.get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void concurrentBatchesArePredictedSideBySide() throws Exception {
        // Each predict waits until a second one is in progress: with one worker this would time
        // out.
        CyclicBarrier bothInside = new CyclicBarrier(2);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        AtomicBoolean warmedUp = new AtomicBoolean();
        RecordingModel model =
                new RecordingModel() {
                    @Override
                    public float[][] predict(float[] inputs, int imageCount) {
                        mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        try {
                            if (warmedUp.get()) {
                                bothInside.await(5, TimeUnit.SECONDS);
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException("the other batch never arrived", e);
                        } finally {
                            inside.decrementAndGet();
                        }
                        return super.predict(inputs, imageCount);
                    }
                };
        try (BatchScorer scorer =
                new BatchScorer(model, 4, Duration.ofSeconds(30), 2).warmUpAndStart()) {
            warmedUp.set(true);
            List<CompletableFuture<BatchScorer.Scores>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(scorer.submit(new float[] {i, -i}));
            }
            for (int i = 0; i < 8; i++) {
                assertThat(results.get(i).get(10, TimeUnit.SECONDS).probabilities())
                        .containsExactly(i, -i);
            }
        }
        assertThat(mostInside.get()).isEqualTo(2);
    }

    @Test
    void underLightLoadConcurrentWorkersFillOneBatchNotSeveralSmallOnes() throws Exception {
        RecordingModel model = new RecordingModel();
        // A full batch goes out at once, so the long delay costs nothing; it only keeps a slow
        // machine from
        // splitting the batch by time.
        try (BatchScorer scorer =
                new BatchScorer(model, 4, Duration.ofSeconds(10), 2).warmUpAndStart()) {
            model.batchSizes.clear();
            List<CompletableFuture<BatchScorer.Scores>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(scorer.submit(new float[] {i, i}));
                Thread.sleep(20); // requests trickle in, each while both workers are idle
            }
            for (CompletableFuture<BatchScorer.Scores> result : results) {
                assertThat(result.get(5, TimeUnit.SECONDS).batchSize()).isEqualTo(4);
            }
            assertThat(model.batchSizes).containsExactly(4);
        }
    }

    @Test
    void sharedScorersAreLoadedOnceAndClosedWithTheLastLease() {
        RecordingModel model = new RecordingModel();
        int[] created = {0};
        SharedBatchScorers.Lease first =
                SharedBatchScorers.acquire(
                        "test-key",
                        () -> {
                            created[0]++;
                            return new BatchScorer(model, 2, Duration.ofMillis(5)).warmUpAndStart();
                        });
        SharedBatchScorers.Lease second =
                SharedBatchScorers.acquire(
                        "test-key",
                        () -> {
                            created[0]++;
                            return new BatchScorer(new RecordingModel(), 2, Duration.ofMillis(5))
                                    .warmUpAndStart();
                        });
        assertThat(created[0]).isEqualTo(1);
        assertThat(second.scorer()).isSameAs(first.scorer());
        first.close();
        assertThat(model.closed).isFalse();
        second.close();
        assertThat(model.closed).isTrue();
    }

    @Test
    void aModelIsServedFromItsWarmUpUntilItsLastUserLetsGo() {
        assertThat(SharedBatchScorers.serves("recording", "1")).isFalse();
        RecordingModel broken = new RecordingModel();
        broken.fail = true;
        assertThatThrownBy(
                        () ->
                                SharedBatchScorers.acquire(
                                        "broken",
                                        () ->
                                                new BatchScorer(broken, 4, Duration.ofMillis(10))
                                                        .warmUpAndStart()))
                .hasMessageContaining("model exploded");
        assertThat(SharedBatchScorers.serves("recording", "1")).as("its warm-up failed").isFalse();

        SharedBatchScorers.Lease first =
                SharedBatchScorers.acquire(
                        "working",
                        () ->
                                new BatchScorer(new RecordingModel(), 4, Duration.ofMillis(10))
                                        .warmUpAndStart());
        SharedBatchScorers.Lease second =
                SharedBatchScorers.acquire(
                        "working",
                        () -> {
                            throw new AssertionError(
                                    "the second slot shares the first one's scorer");
                        });
        assertThat(SharedBatchScorers.serves("recording", "1")).isTrue();
        assertThat(SharedBatchScorers.serves("recording", "2")).isFalse();
        first.close();
        assertThat(SharedBatchScorers.serves("recording", "1")).isTrue();
        second.close();
        assertThat(SharedBatchScorers.serves("recording", "1")).isFalse();
    }

    /** The modelLoaded gauge asks while another slot loads a model under the registry's lock. */
    @Test
    void askingWhatIsServedDoesNotWaitForAModelToLoad() throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch finishLoading = new CountDownLatch(1);
        Thread slot =
                new Thread(
                        () ->
                                SharedBatchScorers.acquire(
                                                "slow",
                                                () -> {
                                                    loading.countDown();
                                                    try {
                                                        finishLoading.await();
                                                    } catch (InterruptedException e) {
                                                        Thread.currentThread().interrupt();
                                                    }
                                                    return new BatchScorer(
                                                                    new RecordingModel(),
                                                                    4,
                                                                    Duration.ofMillis(10))
                                                            .warmUpAndStart();
                                                })
                                        .close());
        slot.start();
        try {
            assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Boolean> asked =
                    CompletableFuture.supplyAsync(
                            () -> SharedBatchScorers.serves("recording", "1"));
            assertThat(asked.get(5, TimeUnit.SECONDS)).isFalse();
        } finally {
            finishLoading.countDown();
            slot.join(10_000);
        }
    }
}
