package io.resflow.pipeline.records;

import java.util.Map;

/** Label counts of one source over one event-time window (Avro {@code LabelStats}). */
public record LabelStatsRecord(
        String source,
        long windowStart,
        long windowEnd,
        long total,
        Map<String, Long> countsByLabel,
        double meanTop1Score) {}
