package io.resflow.trainer.training;

import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The run's {@link TrainingMetrics}, as a listener: served on {@code /metrics} while it is open if
 * a port is set, and pushed to a Pushgateway at each epoch end and at the end if one is set.
 */
final class MetricsPublisher implements TrainingListener, AutoCloseable {

    private final TrainingMetrics metrics = new TrainingMetrics();
    private final PushgatewayPublisher pushgateway;
    private final HTTPServer server;

    private MetricsPublisher(TrainingConfig config) throws IOException {
        this.pushgateway =
                config.pushgateway()
                        .map(
                                address ->
                                        new PushgatewayPublisher(
                                                address,
                                                config.pushJob(),
                                                runName(config.runDirectory())))
                        .orElse(null);
        this.server = config.metricsPort() > 0 ? metrics.serve(config.metricsPort()) : null;
    }

    /** Starts serving if the config sets a port, and says where on the console. */
    static MetricsPublisher start(TrainingConfig config, ConsoleProgress console)
            throws IOException {
        MetricsPublisher publisher = new MetricsPublisher(config);
        if (publisher.server != null) {
            console.announce(
                    "Training metrics on http://localhost:"
                            + publisher.server.getPort()
                            + "/metrics");
        }
        return publisher;
    }

    @Override
    public void onTrainingBatch(BatchEnd batch) {
        metrics.recordIteration(
                Math.toIntExact(batch.images()),
                batch.epochLoss(),
                batch.epochAccuracy(),
                batch.learningRate(),
                batch.imagesPerSecond());
    }

    @Override
    public void onEpoch(EpochSummary epoch) {
        metrics.recordEpoch(
                epoch.epoch(),
                epoch.trainLoss(),
                epoch.trainAccuracy(),
                epoch.testAccuracy(),
                epoch.imagesPerSecond());
        push();
    }

    @Override
    public void onTrainingEnd(TrainingResult result) {
        metrics.recordSuccess();
        push();
    }

    private void push() {
        if (pushgateway != null) {
            pushgateway.push(metrics.registry());
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }

    private static String runName(Path runDirectory) {
        Path name = runDirectory.toAbsolutePath().normalize().getFileName();
        return name == null ? "run" : name.toString();
    }
}
