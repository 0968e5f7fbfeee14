package io.resflow.pipeline.kafka;

import io.resflow.pipeline.records.DeadLetterRecord;
import io.resflow.pipeline.records.LabelStatsRecord;
import io.resflow.pipeline.records.PredictionRecord;
import io.resflow.pipeline.records.RawFrame;
import io.resflow.schema.ClassScore;
import io.resflow.schema.DeadLetter;
import io.resflow.schema.LabelStats;
import io.resflow.schema.LatencyBreakdown;
import io.resflow.schema.Prediction;
import io.resflow.schema.wire.SingleObjectCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.Record;
import org.apache.kafka.common.record.RecordBatch;

/**
 * How the job's records leave for Kafka: Avro single-object encoding of the released schemas, keyed
 * by camera id, stamped with the time they are sent ({@link StampedWhenSent}). The Avro objects are
 * made here, at the edge, so Flink moves only its own POJO-serializable records between operators.
 */
public final class OutputRecords {

    private OutputRecords() {}

    public static KafkaRecordSerializationSchema<PredictionRecord> labels(String topic) {
        return new StampedWhenSent<>(
                KafkaRecordSerializationSchema.<PredictionRecord>builder()
                        .setTopic(topic)
                        .setKeySerializationSchema(
                                (SerializationSchema<PredictionRecord>) p -> utf8(p.source()))
                        .setValueSerializationSchema(new PredictionEncoder())
                        .build());
    }

    /**
     * @param maxRecordBytes the largest record the producer may send: a dead letter that would be
     *     larger leaves out the original value (see {@link DeadLetterEncoder})
     */
    public static KafkaRecordSerializationSchema<DeadLetterRecord> deadLetters(
            String topic, int maxRecordBytes) {
        return new StampedWhenSent<>(
                KafkaRecordSerializationSchema.<DeadLetterRecord>builder()
                        .setTopic(topic)
                        .setKeySerializationSchema(
                                (SerializationSchema<DeadLetterRecord>)
                                        d -> DeadLetterEncoder.recordKey(d, maxRecordBytes))
                        .setValueSerializationSchema(new DeadLetterEncoder(maxRecordBytes))
                        .build());
    }

    /**
     * Whether the retraining feed can carry {@code frame} as it arrived: no larger, by the Kafka
     * producer's own estimate, than {@code maxRecordBytes}. A camera whose producer allows larger
     * records can still publish one when compression brings its batch under the topic's limit;
     * forwarding it would fail the sink's transaction, and the job, in every restart.
     */
    public static boolean fitsRetrainingFeed(RawFrame frame, int maxRecordBytes) {
        return AbstractRecords.estimateSizeInBytesUpperBound(
                        RecordBatch.CURRENT_MAGIC_VALUE,
                        CompressionType.NONE,
                        frame.key(),
                        frame.value(),
                        Record.EMPTY_HEADERS)
                <= maxRecordBytes;
    }

    /** The retraining feed carries the original ImageRecord bytes, unchanged. */
    public static KafkaRecordSerializationSchema<RawFrame> retraining(String topic) {
        return new StampedWhenSent<>(
                KafkaRecordSerializationSchema.<RawFrame>builder()
                        .setTopic(topic)
                        .setKeySerializationSchema((SerializationSchema<RawFrame>) RawFrame::key)
                        .setValueSerializationSchema(new OriginalValue())
                        .build());
    }

    public static KafkaRecordSerializationSchema<LabelStatsRecord> labelStats(String topic) {
        return new StampedWhenSent<>(
                KafkaRecordSerializationSchema.<LabelStatsRecord>builder()
                        .setTopic(topic)
                        .setKeySerializationSchema(
                                (SerializationSchema<LabelStatsRecord>) s -> utf8(s.source()))
                        .setValueSerializationSchema(new LabelStatsEncoder())
                        .build());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // Value schemas are named classes, not lambdas: the sink's lineage reporting reads their type
    // parameter by reflection, which a lambda does not have.

    /** The frame's Kafka value exactly as it arrived. */
    public static final class OriginalValue implements SerializationSchema<RawFrame> {
        private static final long serialVersionUID = 1L;

        @Override
        public byte[] serialize(RawFrame frame) {
            return frame.value();
        }
    }

    /** {@link PredictionRecord} to Avro {@code Prediction}. */
    public static final class PredictionEncoder implements SerializationSchema<PredictionRecord> {
        private static final long serialVersionUID = 1L;
        private final SingleObjectCodec<Prediction> codec = SingleObjectCodec.of(Prediction.class);

        @Override
        public byte[] serialize(PredictionRecord p) {
            return codec.encode(toAvro(p));
        }

        public static Prediction toAvro(PredictionRecord p) {
            List<ClassScore> topK = new ArrayList<>(p.topIndices().length);
            for (int i = 0; i < p.topIndices().length; i++) {
                topK.add(new ClassScore(p.topIndices()[i], p.topLabels()[i], p.topScores()[i]));
            }
            return Prediction.newBuilder()
                    .setImageId(p.imageId())
                    .setSource(p.source())
                    .setCaptureTime(Instant.ofEpochMilli(p.captureTime()))
                    .setScoredTime(Instant.ofEpochMilli(p.scoredTime()))
                    .setModelName(p.modelName())
                    .setModelVersion(p.modelVersion())
                    .setTopK(topK)
                    .setTop1Index(p.top1Index())
                    .setTop1Label(p.top1Label())
                    .setTop1Score(p.top1Score())
                    .setGroundTruthLabel(p.groundTruthLabel())
                    .setBatchSize(p.batchSize())
                    .setLatency(
                            new LatencyBreakdown(
                                    p.queueWaitMicros(), p.inferenceMicros(), p.endToEndMicros()))
                    .build();
        }
    }

    /**
     * {@link DeadLetterRecord} to Avro {@code DeadLetter}, with the original key and bytes, unless
     * the dead letter would then be larger than the producer may send: a frame near the record
     * limit, wrapped with its key (twice: as the record's key and in the envelope), reason and
     * origin, failed the sink's transaction in every restart. Then the original value is left out,
     * and the key too if it alone is too large; the message says where they were.
     */
    public static final class DeadLetterEncoder implements SerializationSchema<DeadLetterRecord> {
        private static final long serialVersionUID = 1L;

        /** Room for the envelope's other fields and Kafka's record overhead. */
        static final int ENVELOPE_BYTES = 16 * 1024;

        /** An image id no longer than this is always kept whole. */
        static final int MAX_IMAGE_ID_CHARS = 1024;

        private final SingleObjectCodec<DeadLetter> codec = SingleObjectCodec.of(DeadLetter.class);
        private final int maxRecordBytes;

        public DeadLetterEncoder(int maxRecordBytes) {
            this.maxRecordBytes = maxRecordBytes;
        }

        /**
         * The dead letter's Kafka key: the original key, unless it takes more than a quarter of the
         * record limit (then none; it is still inside the dead letter when that fits).
         */
        static byte[] recordKey(DeadLetterRecord d, int maxRecordBytes) {
            byte[] key = d.original().key();
            return key != null && key.length <= maxRecordBytes / 4 ? key : null;
        }

        @Override
        public byte[] serialize(DeadLetterRecord d) {
            RawFrame original = d.original();
            byte[] value = original.value() == null ? new byte[0] : original.value();
            byte[] key = original.key();
            String imageId = d.imageId();
            String message = d.message();
            // The key goes out twice: as the dead letter's own key (when not too large) and inside
            // it.
            byte[] recordKey = recordKey(d, maxRecordBytes);
            long envelope =
                    (recordKey == null ? 0L : recordKey.length)
                            + (key == null ? 0L : key.length)
                            + utf8(message).length
                            + (imageId == null ? 0 : utf8(imageId).length)
                            + utf8(original.topic()).length
                            + ENVELOPE_BYTES;
            if (envelope + value.length > maxRecordBytes) {
                message =
                        message
                                + " (the original value of "
                                + value.length
                                + " bytes is left out: with it this dead"
                                + " letter would exceed the "
                                + maxRecordBytes
                                + "-byte record limit; it was at "
                                + original.topic()
                                + "/"
                                + original.partition()
                                + "@"
                                + original.offset()
                                + ", kept for as long as that topic's retention)";
                value = new byte[0];
                if (envelope > maxRecordBytes && key != null) {
                    message = message + "; so is the original key of " + key.length + " bytes";
                    envelope -= key.length;
                    key = null;
                }
                // What is left that a record can make large: its id (the message names no id).
                if (envelope > maxRecordBytes
                        && imageId != null
                        && imageId.length() > MAX_IMAGE_ID_CHARS) {
                    message =
                            message
                                    + "; the image id is cut to its first "
                                    + MAX_IMAGE_ID_CHARS
                                    + " characters";
                    imageId = imageId.substring(0, MAX_IMAGE_ID_CHARS);
                }
            }
            return codec.encode(
                    DeadLetter.newBuilder()
                            .setStage(d.stage())
                            .setErrorKind(d.errorKind())
                            .setMessage(message)
                            .setTime(Instant.ofEpochMilli(d.time()))
                            .setImageId(imageId)
                            .setTopic(original.topic())
                            .setPartition(original.partition())
                            .setOffset(original.offset())
                            .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
                            .setOriginalValue(ByteBuffer.wrap(value))
                            .build());
        }
    }

    /** {@link LabelStatsRecord} to Avro {@code LabelStats}. */
    public static final class LabelStatsEncoder implements SerializationSchema<LabelStatsRecord> {
        private static final long serialVersionUID = 1L;
        private final SingleObjectCodec<LabelStats> codec = SingleObjectCodec.of(LabelStats.class);

        @Override
        public byte[] serialize(LabelStatsRecord s) {
            return codec.encode(
                    LabelStats.newBuilder()
                            .setSource(s.source())
                            .setWindowStart(Instant.ofEpochMilli(s.windowStart()))
                            .setWindowEnd(Instant.ofEpochMilli(s.windowEnd()))
                            .setTotal(s.total())
                            .setCountsByLabel(new java.util.HashMap<>(s.countsByLabel()))
                            .setMeanTop1Score(s.meanTop1Score())
                            .build());
        }
    }
}
