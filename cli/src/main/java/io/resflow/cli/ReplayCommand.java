package io.resflow.cli;

import io.resflow.pipeline.kafka.KafkaClientConfig;
import io.resflow.pipeline.kafka.KafkaPreflight;
import io.resflow.pipeline.kafka.Topics;
import io.resflow.pipeline.replay.CameraFeedReplay;
import io.resflow.pipeline.replay.FrameSource;
import io.resflow.pipeline.replay.ReplayReport;
import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.schema.ImageEncoding;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description =
                "Simulate cameras: publish ImageRecords (Avro single-object encoding) from"
                    + " Fashion-MNIST or an image folder to Kafka at cameras x fps, with progress.")
final class ReplayCommand implements Callable<Integer> {

    @Mixin KafkaConnection kafka;

    @Option(
            names = "--topic",
            defaultValue = Topics.IMAGES,
            description = "Topic to publish to (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(
            names = "--source",
            defaultValue = "fashion-mnist-test",
            description = "What to replay: " + FrameSources.DESCRIPTION + ".")
    String source;

    @Option(
            names = "--encoding",
            defaultValue = "PNG",
            description =
                    "How Fashion-MNIST frames are encoded: ${COMPLETION-CANDIDATES} (default:"
                            + " ${DEFAULT-VALUE}). Folder files are sent as they are.")
    ImageEncoding encoding;

    @Option(
            names = "--cameras",
            defaultValue = "4",
            description = "Number of simulated cameras (default: ${DEFAULT-VALUE}).")
    int cameras;

    @Option(
            names = "--fps",
            defaultValue = "0",
            description =
                    "Frames per second per camera; 0 = as fast as Kafka takes them (default:"
                            + " ${DEFAULT-VALUE}).")
    double fps;

    @Option(
            names = "--limit",
            defaultValue = "0",
            description = "Send at most this many frames; 0 = all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(
            names = "--corrupt-every",
            defaultValue = "0",
            description =
                    "Plant a corrupt frame every N frames; 0 = none (default: ${DEFAULT-VALUE}).")
    int corruptEvery;

    @Option(
            names = "--labels-of",
            paramLabel = "SAVEDMODEL",
            description =
                    "For a folder --source: label each class sub-folder by its name's position"
                        + " among this model's labels, not by its sorted position (a test folder"
                        + " without one of the training classes would shift the labels after it); a"
                        + " sub-folder the model has no label for is an error.")
    Path labelsOf;

    @Override
    public Integer call() throws Exception {
        List<String> modelLabels = labelsOf == null ? null : ModelMetadata.read(labelsOf).labels();
        FrameSource frames = FrameSources.open(source, encoding, modelLabels);
        KafkaClientConfig client = kafka.client();
        KafkaPreflight.Access access =
                KafkaPreflight.check(
                        kafka.bootstrapServers,
                        client,
                        List.of(),
                        List.of(topic),
                        KafkaPreflight.DEFAULT_TIMEOUT);
        if (!access.denied().isEmpty()) {
            throw new IllegalStateException(
                    "Kafka at "
                            + kafka.bootstrapServers
                            + " denies this user "
                            + String.join(", ", access.denied()));
        }
        if (!access.missing().isEmpty()) {
            // Kafka's producer would wait a minute for the topic and then call it "not present in
            // metadata".
            System.out.printf(
                    "Note: Kafka at %s has no topic %s: it is created now if the broker creates"
                            + " topics on first use, else the replay stops after a minute.%n",
                    kafka.bootstrapServers, topic);
        }
        CameraFeedReplay.Builder replay =
                CameraFeedReplay.builder()
                        .setBootstrapServers(kafka.bootstrapServers)
                        .optClientConfig(client)
                        .setFrames(frames)
                        .optTopic(topic)
                        .optCameras(cameras)
                        .optFramesPerSecond(fps)
                        .optLimit(limit)
                        .optCorruptEvery(corruptEvery);
        int planned = replay.build().plannedCount();
        System.out.printf(
                "Replaying %d frames of %s to %s/%s from %d cameras at %s%n",
                planned,
                frames.description(),
                kafka.bootstrapServers,
                topic,
                cameras,
                fps == 0 ? "full speed" : fps * cameras + " frames/s");
        ReplayReport report;
        try (ProgressBar bar = Progress.bar("replay", planned, "frames")) {
            report = replay.optProgress(Progress.stepTo(bar)).build().run();
        }
        System.out.printf(
                "REPLAY sent=%d corrupt=%d labelled=%d seconds=%.1f rate_fps=%.0f%n",
                report.sent(),
                report.corrupt(),
                report.labelled(),
                report.elapsed().toMillis() / 1000.0,
                report.framesPerSecond());
        return 0;
    }
}
