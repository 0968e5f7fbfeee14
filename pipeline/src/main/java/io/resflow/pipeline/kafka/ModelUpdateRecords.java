package io.resflow.pipeline.kafka;

import io.resflow.pipeline.records.ModelUpdateRecord;
import io.resflow.schema.ModelUpdate;
import io.resflow.schema.ModelUpdateKind;
import io.resflow.schema.wire.SingleObjectCodec;
import io.resflow.schema.wire.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control topic's records ({@code model-updates}, Avro {@code ModelUpdate}, keyed by model
 * name) to and from {@link ModelUpdateRecord}, for the job's source and sink and the command line.
 */
public final class ModelUpdateRecords {

    private ModelUpdateRecords() {}

    public static ModelUpdate toAvro(ModelUpdateRecord r) {
        return ModelUpdate.newBuilder()
                .setId(r.id())
                .setTime(Instant.ofEpochMilli(r.time()))
                .setKind(r.kind())
                .setModelName(r.modelName())
                .setModelVersion(r.modelVersion())
                .setRole(r.role())
                .setCanaryPercent(r.canaryPercent())
                .setLocation(r.location())
                .setCommandId(r.commandId())
                .setRefusal(r.refusal())
                .setReason(r.reason())
                .setIssuer(r.issuer())
                .setEvidence(new HashMap<>(r.evidence()))
                .build();
    }

    public static ModelUpdateRecord fromAvro(ModelUpdate u) {
        Map<String, String> evidence = new HashMap<>();
        u.getEvidence().forEach((k, v) -> evidence.put(k.toString(), v.toString()));
        return new ModelUpdateRecord(
                u.getId(),
                u.getTime().toEpochMilli(),
                u.getKind(),
                u.getModelName(),
                u.getModelVersion(),
                u.getRole(),
                u.getCanaryPercent(),
                u.getLocation(),
                u.getCommandId(),
                u.getRefusal(),
                u.getReason(),
                u.getIssuer(),
                evidence);
    }

    /** The job's answers to {@code topic}, keyed by model name so one model's stay in order. */
    public static KafkaRecordSerializationSchema<ModelUpdateRecord> serializer(String topic) {
        return KafkaRecordSerializationSchema.<ModelUpdateRecord>builder()
                .setTopic(topic)
                .setKeySerializationSchema(
                        (SerializationSchema<ModelUpdateRecord>)
                                r -> r.modelName().getBytes(StandardCharsets.UTF_8))
                .setValueSerializationSchema(new Encoder())
                .build();
    }

    /** {@link ModelUpdateRecord} to Avro single-object bytes. */
    public static final class Encoder implements SerializationSchema<ModelUpdateRecord> {
        private static final long serialVersionUID = 1L;
        private transient SingleObjectCodec<ModelUpdate> codec;

        @Override
        public byte[] serialize(ModelUpdateRecord r) {
            if (codec == null) {
                codec = SingleObjectCodec.of(ModelUpdate.class);
            }
            return codec.encode(toAvro(r));
        }
    }

    /**
     * Reads the control topic; a record that does not decode, or of a kind this job does not know
     * (OTHER), is logged and skipped: a stray record on the topic must not restart the job.
     */
    public static final class Deserializer
            implements KafkaRecordDeserializationSchema<ModelUpdateRecord> {
        private static final long serialVersionUID = 1L;
        private static final Logger LOG = LoggerFactory.getLogger(Deserializer.class);
        private transient SingleObjectCodec<ModelUpdate> codec;

        @Override
        public void deserialize(
                ConsumerRecord<byte[], byte[]> record, Collector<ModelUpdateRecord> out) {
            if (codec == null) {
                codec = SingleObjectCodec.of(ModelUpdate.class);
            }
            ModelUpdate update;
            try {
                update = codec.decode(record.value());
            } catch (WireFormatException | NullPointerException e) {
                LOG.warn(
                        "Skipping {}-{}@{}: not a ModelUpdate ({})",
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        e.getMessage());
                return;
            }
            if (update.getKind() != ModelUpdateKind.OTHER) {
                out.collect(fromAvro(update));
            }
        }

        @Override
        public TypeInformation<ModelUpdateRecord> getProducedType() {
            return TypeInformation.of(ModelUpdateRecord.class);
        }
    }
}
