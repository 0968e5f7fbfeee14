package io.resflow.trainer.training;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A training run's Prometheus metrics, {@value #PREFIX}*, in a registry of its own (so runs in one
 * JVM do not collide and a push carries only them):
 *
 * <ul>
 *   <li>{@code resflow_trainer_loss}: mean training loss of the current epoch so far
 *   <li>{@code resflow_trainer_accuracy{split="train"|"test"}}: training accuracy of the current
 *       epoch so far; test accuracy after the last evaluated epoch
 *   <li>{@code resflow_trainer_images_per_second}: training throughput of the current epoch
 *   <li>{@code resflow_trainer_epoch}: epochs completed
 *   <li>{@code resflow_trainer_learning_rate}: the rate of the last iteration
 *   <li>{@code resflow_trainer_iterations_total}, {@code resflow_trainer_images_total}: SGD steps
 *       and images trained on by this process
 *   <li>{@code resflow_trainer_last_success_timestamp_seconds}: when the run finished, the
 *       Pushgateway convention for alerting on batch jobs that stopped succeeding
 * </ul>
 */
public final class TrainingMetrics {

    public static final String PREFIX = "resflow_trainer_";

    private final CollectorRegistry registry = new CollectorRegistry();
    private final Gauge loss =
            Gauge.build(PREFIX + "loss", "Mean training loss of the current epoch so far.")
                    .register(registry);
    private final Gauge accuracy =
            Gauge.build(
                            PREFIX + "accuracy",
                            "Training accuracy of the current epoch so far (split=train), test"
                                    + " accuracy of the last epoch (split=test).")
                    .labelNames("split")
                    .register(registry);
    private final Gauge imagesPerSecond =
            Gauge.build(PREFIX + "images_per_second", "Training throughput of the current epoch.")
                    .register(registry);
    private final Gauge epoch =
            Gauge.build(PREFIX + "epoch", "Epochs completed.").register(registry);
    private final Gauge learningRate =
            Gauge.build(PREFIX + "learning_rate", "Learning rate of the last iteration.")
                    .register(registry);
    private final Counter iterations =
            Counter.build(PREFIX + "iterations", "SGD iterations run by this process.")
                    .register(registry);
    private final Counter images =
            Counter.build(PREFIX + "images", "Training images processed by this process.")
                    .register(registry);
    private final Gauge lastSuccess =
            Gauge.build(
                            PREFIX + "last_success_timestamp_seconds",
                            "Unix time at which the training run last finished successfully.")
                    .register(registry);

    public CollectorRegistry registry() {
        return registry;
    }

    /** After each iteration, with the running means of the current epoch. */
    public void recordIteration(
            int batchImages,
            double epochLoss,
            double epochAccuracy,
            double rate,
            double throughput) {
        iterations.inc();
        images.inc(batchImages);
        loss.set(epochLoss);
        accuracy.labels("train").set(epochAccuracy);
        learningRate.set(rate);
        imagesPerSecond.set(throughput);
    }

    /** After each epoch's evaluation. */
    public void recordEpoch(
            int completedEpochs,
            double trainLoss,
            double trainAccuracy,
            double testAccuracy,
            double throughput) {
        epoch.set(completedEpochs);
        loss.set(trainLoss);
        accuracy.labels("train").set(trainAccuracy);
        accuracy.labels("test").set(testAccuracy);
        imagesPerSecond.set(throughput);
    }

    public void recordSuccess() {
        lastSuccess.setToCurrentTime();
    }

    /**
     * Serves {@code /metrics} on all interfaces on a daemon thread until the returned server is
     * closed.
     *
     * @throws IOException naming the port when it cannot be bound
     */
    public HTTPServer serve(int port) throws IOException {
        try {
            return new HTTPServer.Builder()
                    .withInetSocketAddress(new InetSocketAddress(port))
                    .withRegistry(registry)
                    .withDaemonThreads(true)
                    .build();
        } catch (IOException e) {
            throw new IOException(
                    "cannot serve training metrics on port " + port + ": " + e.getMessage(), e);
        }
    }
}
