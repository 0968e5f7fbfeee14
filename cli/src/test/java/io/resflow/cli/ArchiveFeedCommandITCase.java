package io.resflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.datasets.FashionMnist;
import io.resflow.kafka.embedded.EmbeddedKafkaExtension;
import io.resflow.pipeline.kafka.Topics;
import io.resflow.pipeline.replay.CameraFeedReplay;
import io.resflow.pipeline.replay.DatasetFrames;
import io.resflow.schema.ImageEncoding;
import io.resflow.trainer.data.ImageRecordFileReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The retraining topic archived into Avro files that the trainer reads back. */
class ArchiveFeedCommandITCase {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA =
            new EmbeddedKafkaExtension(b -> b.optTopic(Topics.RETRAINING, 2));

    @TempDir Path archive;

    @Test
    void archivesWhatIsNewAndTheTrainerReadsIt() throws Exception {
        var test = FashionMnist.atDefaultLocation().load(FashionMnist.Split.TEST);
        CameraFeedReplay.builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .optTopic(Topics.RETRAINING)
                .setFrames(new DatasetFrames(test.head(50), ImageEncoding.PNG))
                .optRunId("first")
                .build()
                .run();

        assertThat(archive("--output", archive.toString())).isZero();
        assertThat(files()).hasSize(1);

        var read =
                ImageRecordFileReader.builder()
                        .setClassNames(test.classNames())
                        .setImageSize(28, 28)
                        .setChannels(1)
                        .build()
                        .read(archive);
        assertThat(read.images().size()).isEqualTo(50);
        // Two partitions: the file holds the frames in partition order, not send order.
        java.util.Map<String, Integer> labelByPixels = new java.util.HashMap<>();
        for (int i = 0; i < 50; i++) {
            labelByPixels.put(java.util.Arrays.toString(test.image(i)), test.label(i));
        }
        for (int i = 0; i < read.images().size(); i++) {
            assertThat(labelByPixels.get(java.util.Arrays.toString(read.images().image(i))))
                    .as("image %d of the archive is a sent frame with its label", i)
                    .isEqualTo(read.images().label(i));
        }

        // Nothing new: no second file. New records: only they go into the next file.
        assertThat(archive("--output", archive.toString())).isZero();
        assertThat(files()).hasSize(1);
        CameraFeedReplay.builder()
                .setBootstrapServers(KAFKA.bootstrapServers())
                .optTopic(Topics.RETRAINING)
                .setFrames(new DatasetFrames(test.head(20), ImageEncoding.PNG))
                .optRunId("second")
                .build()
                .run();
        Thread.sleep(1_100); // the file name has the time to the millisecond; keep the two apart
        assertThat(archive("--output", archive.toString())).isZero();
        assertThat(files()).hasSize(2);
        assertThat(
                        ImageRecordFileReader.builder()
                                .setClassNames(test.classNames())
                                .setImageSize(28, 28)
                                .setChannels(1)
                                .build()
                                .read(archive)
                                .images()
                                .size())
                .isEqualTo(70);
    }

    @Test
    void retentionDeletesTheTopicsArchiveFilesWrittenLongerAgo() throws Exception {
        Path old =
                Files.writeString(
                        archive.resolve(Topics.RETRAINING + "-2026-01-01T00-00-00Z.avro"), "old");
        Files.setLastModifiedTime(
                old,
                java.nio.file.attribute.FileTime.from(
                        java.time.Instant.now().minus(java.time.Duration.ofDays(40))));
        Path recent =
                Files.writeString(
                        archive.resolve(Topics.RETRAINING + "-2026-11-20T00-00-00Z.avro"),
                        "recent");
        Files.setLastModifiedTime(
                recent,
                java.nio.file.attribute.FileTime.from(
                        java.time.Instant.now().minus(java.time.Duration.ofDays(3))));
        Path otherTopic =
                Files.writeString(archive.resolve("labels-2026-01-01T00-00-00Z.avro"), "not ours");
        Files.setLastModifiedTime(otherTopic, Files.getLastModifiedTime(old));

        assertThat(archive("--output", archive.toString(), "--retention", "30 d")).isZero();

        assertThat(old).doesNotExist();
        assertThat(recent).exists();
        assertThat(otherTopic).exists();
    }

    @Test
    void aTopicThatDoesNotExistIsAnErrorNotAnEmptyArchive() throws Exception {
        assertThat(archive("--output", archive.toString(), "--topic", "retrainign")).isEqualTo(1);
        assertThat(files()).isEmpty();
    }

    private int archive(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "archive-feed";
        all[1] = "--bootstrap-servers=" + KAFKA.bootstrapServers();
        System.arraycopy(args, 0, all, 2, args.length);
        return ResFlow.commandLine().execute(all);
    }

    private java.util.List<Path> files() throws Exception {
        try (Stream<Path> files = Files.list(archive)) {
            return files.filter(f -> f.toString().endsWith(".avro")).toList();
        }
    }
}
