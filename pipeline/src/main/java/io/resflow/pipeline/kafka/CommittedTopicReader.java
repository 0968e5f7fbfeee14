package io.resflow.pipeline.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one topic of ResFlow records from its start as a downstream consumer sees it: {@code
 * read_committed}, so only what the job's exactly-once sinks committed, each record once. Kept open
 * across waits, so a caller can wait for a count, do more work, and wait again without re-reading
 * the topic.
 *
 * <p>Every reader has a group id of its own and never commits offsets: checking a topic leaves no
 * trace in Kafka. Not thread-safe, like the consumer under it.
 */
public final class CommittedTopicReader<T extends SpecificRecord> implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);

    private final String topic;
    private final AvroSerde<T> serde;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<T> records = new ArrayList<>();

    private CommittedTopicReader(
            String bootstrapServers, KafkaClientConfig client, String topic, Class<T> type) {
        this.topic = topic;
        this.serde = AvroSerde.of(type);
        Properties props = client.clientProperties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, topic + "-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        consumer =
                new KafkaConsumer<>(
                        props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
    }

    /**
     * A reader of {@code topic} from its first offset; decoding fails loudly on a foreign record.
     */
    public static <T extends SpecificRecord> CommittedTopicReader<T> open(
            String bootstrapServers, String topic, Class<T> type) {
        return open(bootstrapServers, KafkaClientConfig.none(), topic, type);
    }

    /** As {@link #open(String, String, Class)}, with a secured Kafka's client settings. */
    public static <T extends SpecificRecord> CommittedTopicReader<T> open(
            String bootstrapServers, KafkaClientConfig client, String topic, Class<T> type) {
        return new CommittedTopicReader<>(bootstrapServers, client, topic, type);
    }

    /**
     * Polls until at least {@code count} records have been read in all.
     *
     * @return every record read so far
     * @throws IllegalStateException if fewer arrived within {@code timeout}
     */
    public List<T> awaitCount(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (records.size() < count && System.nanoTime() < deadline) {
            pollOnce();
        }
        if (records.size() < count) {
            throw new IllegalStateException(
                    "only "
                            + records.size()
                            + " of "
                            + count
                            + " records arrived on "
                            + topic
                            + " within "
                            + timeout);
        }
        return records();
    }

    /**
     * Polls for all of {@code duration}, whatever arrives: after a count is reached, this is how a
     * check sees duplicates or extras that would come behind it.
     *
     * @return every record read so far
     */
    public List<T> pollFor(Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        do {
            pollOnce();
        } while (System.nanoTime() < deadline);
        return records();
    }

    /** Every record read so far, in the order read (a view). */
    public List<T> records() {
        return Collections.unmodifiableList(records);
    }

    private void pollOnce() {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
            records.add(serde.deserialize(topic, record.value()));
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
