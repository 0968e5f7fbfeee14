package io.resflow.pipeline.records;

/**
 * A Kafka record exactly as it arrived, before anything can fail: whatever happens later, these
 * bytes can go to the dead-letter topic unchanged.
 */
public record RawFrame(
        byte[] key, byte[] value, String topic, int partition, long offset, long kafkaTimestamp) {}
