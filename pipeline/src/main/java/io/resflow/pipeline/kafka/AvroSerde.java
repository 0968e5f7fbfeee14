package io.resflow.pipeline.kafka;

import io.resflow.schema.wire.SingleObjectCodec;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer and deserializer for ResFlow's records in Avro single-object encoding, so any
 * Kafka client (and kcat, or Python's avro package) sees the same bytes the pipeline writes.
 * Decoding failures surface as {@link io.resflow.schema.wire.WireFormatException}.
 */
public final class AvroSerde<T extends SpecificRecord>
        implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final SingleObjectCodec<T> codec;

    private AvroSerde(SingleObjectCodec<T> codec) {
        this.codec = codec;
    }

    public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> recordClass) {
        return new AvroSerde<>(SingleObjectCodec.of(recordClass));
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return data == null ? null : codec.encode(data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return data == null ? null : codec.decode(data);
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // Nothing to configure: the record class fixes the schema.
    }

    @Override
    public void close() {}
}
