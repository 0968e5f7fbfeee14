package io.resflow.cli;

import io.resflow.pipeline.kafka.KafkaClientConfig;
import io.resflow.pipeline.kafka.KafkaPreflight;
import io.resflow.pipeline.kafka.Topics;
import io.resflow.schema.ImageRecord;
import io.resflow.schema.wire.SingleObjectCodec;
import io.resflow.schema.wire.WireFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Turns the retraining topic into files the trainer reads ({@code train --data avro:DIR}): reads
 * from the group's committed offsets up to the end offsets at start, writes one Avro container file
 * of ImageRecords, and commits the offsets only after the file is complete and in place. A crash
 * before the commit archives the same records again next time (at least once); the file of the
 * crashed run never appears, because it is written under a temporary name first.
 */
@Command(
        name = "archive-feed",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Archive the retraining topic into an Avro file of labelled ImageRecords for"
                        + " ./resflow train --data avro:DIR.")
final class ArchiveFeedCommand implements Callable<Integer> {

    @Mixin KafkaConnection kafka;

    @Option(
            names = "--topic",
            defaultValue = Topics.RETRAINING,
            description = "Topic to archive (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(
            names = "--group-id",
            defaultValue = "resflow-archive-feed",
            description =
                    "Consumer group that remembers what was archived (default: ${DEFAULT-VALUE}).")
    String groupId;

    @Option(names = "--output", required = true, description = "Folder for the Avro files.")
    Path output;

    @Option(
            names = "--retention",
            paramLabel = "<duration>",
            description =
                    "Delete this topic's archive files in --output last written longer ago than"
                            + " this, e.g. 30 d; the trainer reads the whole folder, so this is the"
                            + " window it retrains on (default: keep every file).")
    Duration retention;

    @Override
    public Integer call() throws Exception {
        KafkaClientConfig client = kafka.client();
        KafkaPreflight.Access access =
                KafkaPreflight.check(
                        kafka.bootstrapServers,
                        client,
                        List.of(topic),
                        List.of(),
                        KafkaPreflight.DEFAULT_TIMEOUT);
        if (!access.denied().isEmpty()) {
            throw new IllegalStateException(
                    "Kafka at "
                            + kafka.bootstrapServers
                            + " denies this user "
                            + String.join(", ", access.denied()));
        }
        if (access.missing().contains(topic)) {
            // Kafka answers an unknown topic with no partitions: "nothing new" would hide a typo.
            throw new IllegalArgumentException(
                    "topic '" + topic + "' does not exist at " + kafka.bootstrapServers);
        }
        Properties props = client.clientProperties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        SingleObjectCodec<ImageRecord> codec = SingleObjectCodec.of(ImageRecord.class);
        Files.createDirectories(output);
        Path target =
                output.resolve(topic + "-" + Instant.now().toString().replace(':', '-') + ".avro");
        Path partial = output.resolve("." + target.getFileName() + ".partial");
        long archived = 0;
        long unreadable = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed =
                    consumer.committed(Set.copyOf(partitions));
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata offset = committed.get(partition);
                if (offset == null) {
                    consumer.seekToBeginning(List.of(partition));
                } else {
                    consumer.seek(partition, offset.offset());
                }
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
            try (DataFileWriter<ImageRecord> writer =
                    new DataFileWriter<>(new SpecificDatumWriter<>(ImageRecord.class))) {
                writer.setCodec(CodecFactory.deflateCodec(6));
                writer.create(ImageRecord.getClassSchema(), partial.toFile());
                while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                    for (ConsumerRecord<byte[], byte[]> record :
                            consumer.poll(Duration.ofSeconds(1))) {
                        try {
                            writer.append(codec.decode(record.value()));
                            archived++;
                        } catch (WireFormatException e) {
                            unreadable++;
                        }
                    }
                }
                partitions.forEach(p -> done.put(p, new OffsetAndMetadata(consumer.position(p))));
            }
            if (archived == 0) {
                Files.delete(partial);
            } else {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            }
            consumer.commitSync(done);
        }
        System.out.printf(
                "ARCHIVED records=%d unreadable=%d file=%s%n",
                archived, unreadable, archived == 0 ? "(none, nothing new)" : target);
        if (retention != null) {
            int removed = removeOlderThan(Instant.now().minus(retention));
            System.out.printf(
                    "Removed %d archive file(s) of %s last written more than %s ago%n",
                    removed, topic, retention);
        }
        return 0;
    }

    /** This topic's archive files in {@code output} last written before {@code cutoff}. */
    private int removeOlderThan(Instant cutoff) throws IOException {
        int removed = 0;
        try (Stream<Path> files = Files.list(output)) {
            for (Path file : files.filter(f -> isArchiveOf(topic, f)).toList()) {
                if (Files.getLastModifiedTime(file).toInstant().isBefore(cutoff)) {
                    Files.delete(file);
                    removed++;
                }
            }
        }
        return removed;
    }

    private static boolean isArchiveOf(String topic, Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(topic + "-") && name.endsWith(".avro") && Files.isRegularFile(file);
    }
}
