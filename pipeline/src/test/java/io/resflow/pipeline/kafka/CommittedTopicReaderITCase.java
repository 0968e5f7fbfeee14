package io.resflow.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resflow.kafka.embedded.EmbeddedKafkaExtension;
import io.resflow.schema.DeadLetter;
import io.resflow.schema.ErrorKind;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real broker, a real transactional producer: the reader sees committed records only. */
class CommittedTopicReaderITCase {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA =
            new EmbeddedKafkaExtension(b -> b.optTopic("letters", 2));

    @Test
    void seesCommittedTransactionsOnlyAndKeepsReadingWhereItWas() {
        try (KafkaProducer<byte[], DeadLetter> producer = transactionalProducer();
                CommittedTopicReader<DeadLetter> reader =
                        CommittedTopicReader.open(
                                KAFKA.bootstrapServers(), "letters", DeadLetter.class)) {
            producer.initTransactions();
            send(producer, "committed-1", "committed-2");
            producer.commitTransaction();
            send(producer, "aborted-1", "aborted-2", "aborted-3");
            producer.abortTransaction();
            send(producer, "committed-3");
            producer.commitTransaction();

            assertThat(ids(reader.awaitCount(3, Duration.ofSeconds(30))))
                    .containsExactlyInAnyOrder("committed-1", "committed-2", "committed-3");
            assertThat(reader.pollFor(Duration.ofSeconds(1))).hasSize(3);

            // Kept open: a later wait adds to what was read, without reading the topic again.
            send(producer, "committed-4");
            producer.commitTransaction();
            assertThat(ids(reader.awaitCount(4, Duration.ofSeconds(30))))
                    .containsExactlyInAnyOrder(
                            "committed-1", "committed-2", "committed-3", "committed-4");
        }
    }

    @Test
    void saysHowManyArrivedWhenTooFewDo() {
        try (CommittedTopicReader<DeadLetter> reader =
                CommittedTopicReader.open(
                        KAFKA.bootstrapServers(), "nothing-here", DeadLetter.class)) {
            assertThatThrownBy(() -> reader.awaitCount(1, Duration.ofSeconds(2)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("only 0 of 1 records arrived on nothing-here within PT2S");
        }
    }

    private static KafkaProducer<byte[], DeadLetter> transactionalProducer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "reader-check");
        return new KafkaProducer<>(
                props, new ByteArraySerializer(), AvroSerde.of(DeadLetter.class));
    }

    private static void send(KafkaProducer<byte[], DeadLetter> producer, String... ids) {
        producer.beginTransaction();
        for (String id : ids) {
            producer.send(
                    new ProducerRecord<>(
                            "letters",
                            DeadLetter.newBuilder()
                                    .setStage("test")
                                    .setErrorKind(ErrorKind.OTHER)
                                    .setMessage("planted")
                                    .setTime(Instant.EPOCH)
                                    .setImageId(id)
                                    .setOriginalValue(ByteBuffer.wrap(new byte[] {1}))
                                    .build()));
        }
        producer.flush();
    }

    private static List<String> ids(List<DeadLetter> letters) {
        return letters.stream().map(DeadLetter::getImageId).toList();
    }
}
