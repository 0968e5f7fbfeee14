package io.resflow.pipeline.kafka;

/**
 * How large a Kafka record of ResFlow may be: one number for the job's sinks, the camera-feed
 * replay, the demo, the benchmark and the tests, so a frame one of them can send is one the others
 * can carry.
 */
public final class KafkaRecordLimits {

    /**
     * The largest record the job's sinks and the replay write (16 MiB): room for large camera
     * frames in the retraining feed and dead letters. Topics and brokers need {@code
     * max.message.bytes} at least this big.
     */
    public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

    private KafkaRecordLimits() {}
}
