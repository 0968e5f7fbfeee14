package io.resflow.pipeline.kafka;

import java.util.Optional;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacetProvider;
import org.apache.flink.connector.kafka.lineage.TypeDatasetFacet;
import org.apache.flink.connector.kafka.lineage.TypeDatasetFacetProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A record schema whose Kafka records carry the time they are sent, not the element's event time.
 *
 * <p>Flink's Kafka sink stamps each record with its element's timestamp, which here is the camera's
 * capture time. A broker refuses a record stamped further ahead than {@code
 * log.message.timestamp.after.max.ms} (one hour by default since Kafka 4.0): one camera with a
 * clock two hours fast failed the sink's whole transaction, and the job restarted into the same
 * record forever. Old capture times (a replayed day) would let time-based retention delete fresh
 * outputs early. The capture time travels in every payload that has one.
 */
final class StampedWhenSent<T>
        implements KafkaRecordSerializationSchema<T>,
                KafkaDatasetFacetProvider,
                TypeDatasetFacetProvider {

    private static final long serialVersionUID = 1L;

    private final KafkaRecordSerializationSchema<T> records;

    StampedWhenSent(KafkaRecordSerializationSchema<T> records) {
        this.records = records;
    }

    @Override
    public void open(
            SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext)
            throws Exception {
        records.open(context, sinkContext);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            T element, KafkaSinkContext context, Long eventTime) {
        // No timestamp: the producer stamps the record when it sends it.
        return records.serialize(element, context, null);
    }

    // Lineage (which topic, which type) is the wrapped schema's.

    @Override
    public Optional<KafkaDatasetFacet> getKafkaDatasetFacet() {
        return records instanceof KafkaDatasetFacetProvider p
                ? p.getKafkaDatasetFacet()
                : Optional.empty();
    }

    @Override
    public Optional<TypeDatasetFacet> getTypeDatasetFacet() {
        return records instanceof TypeDatasetFacetProvider p
                ? p.getTypeDatasetFacet()
                : Optional.empty();
    }
}
