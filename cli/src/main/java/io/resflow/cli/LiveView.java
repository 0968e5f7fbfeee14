package io.resflow.cli;

import io.resflow.bench.Percentiles;
import io.resflow.pipeline.kafka.AvroSerde;
import io.resflow.pipeline.kafka.KafkaClientConfig;
import io.resflow.schema.DeadLetter;
import io.resflow.schema.ErrorKind;
import io.resflow.schema.Prediction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Watches the labels and dead-letter topics as a downstream consumer would (read_committed, so it
 * sees exactly what the exactly-once sinks committed), prints a status line while the demo runs,
 * and keeps what the summary needs.
 */
final class LiveView implements AutoCloseable {

    private final String bootstrapServers;
    private final KafkaClientConfig client;
    private final String labelsTopic;
    private final String deadLettersTopic;
    private final List<String> classNames;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    private final Set<String> labelledIds = new HashSet<>();
    private final List<Long> endToEndMicros = new ArrayList<>();
    private final Map<ErrorKind, Long> deadLetterKinds = new EnumMap<>(ErrorKind.class);
    private final long[] labelCounts;
    private long labels;
    private long duplicates;
    private long withGroundTruth;
    private long correct;
    private long deadLetters;
    private long firstCaptureMillis = Long.MAX_VALUE;
    private long lastScoredMillis;
    private long batchSizeSum;

    LiveView(
            String bootstrapServers,
            KafkaClientConfig client,
            String labelsTopic,
            String deadLettersTopic,
            List<String> classNames) {
        this.bootstrapServers = bootstrapServers;
        this.client = client;
        this.labelsTopic = labelsTopic;
        this.deadLettersTopic = deadLettersTopic;
        this.classNames = classNames;
        this.labelCounts = new long[classNames.size()];
        this.thread = new Thread(this::run, "resflow-live-view");
        this.thread.setDaemon(true);
    }

    LiveView start() {
        thread.start();
        return this;
    }

    private void run() {
        Properties props = client.clientProperties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "resflow-demo-live-view");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        props.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        AvroSerde<Prediction> predictions = AvroSerde.of(Prediction.class);
        AvroSerde<DeadLetter> letters = AvroSerde.of(DeadLetter.class);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(labelsTopic, deadLettersTopic));
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    synchronized (this) {
                        if (record.topic().equals(labelsTopic)) {
                            add(predictions.deserialize(record.topic(), record.value()));
                        } else {
                            DeadLetter letter = letters.deserialize(record.topic(), record.value());
                            deadLetters++;
                            deadLetterKinds.merge(letter.getErrorKind(), 1L, Long::sum);
                        }
                    }
                }
            }
        }
    }

    private void add(Prediction p) {
        if (!labelledIds.add(p.getImageId())) {
            duplicates++;
            return;
        }
        labels++;
        labelCounts[p.getTop1Index()]++;
        endToEndMicros.add(p.getLatency().getEndToEndMicros());
        batchSizeSum += p.getBatchSize();
        firstCaptureMillis = Math.min(firstCaptureMillis, p.getCaptureTime().toEpochMilli());
        lastScoredMillis = Math.max(lastScoredMillis, p.getScoredTime().toEpochMilli());
        if (p.getGroundTruthLabel() != null) {
            withGroundTruth++;
            if (p.getGroundTruthLabel() == p.getTop1Index()) {
                correct++;
            }
        }
    }

    synchronized long outputs() {
        return labels + deadLetters;
    }

    synchronized String statusLine() {
        return String.format(
                "labels %d (accuracy %.3f, mean batch %.1f)  dead letters %d %s",
                labels,
                accuracy(),
                labels == 0 ? 0.0 : (double) batchSizeSum / labels,
                deadLetters,
                deadLetterKinds);
    }

    synchronized String labelHistogram() {
        StringBuilder out = new StringBuilder();
        long max = Arrays.stream(labelCounts).max().orElse(1);
        for (int i = 0; i < labelCounts.length; i++) {
            int bar = (int) Math.round(40.0 * labelCounts[i] / Math.max(1, max));
            out.append(
                    String.format(
                            "  %-12s %6d %s%n",
                            classNames.get(i), labelCounts[i], "#".repeat(bar)));
        }
        return out.toString();
    }

    synchronized double accuracy() {
        return withGroundTruth == 0 ? 0 : (double) correct / withGroundTruth;
    }

    synchronized String summary(long images) {
        long[] sorted = endToEndMicros.stream().mapToLong(Long::longValue).sorted().toArray();
        double seconds = Math.max(1, lastScoredMillis - firstCaptureMillis) / 1000.0;
        return String.format(
                "SUMMARY images=%d labels=%d dead_letters=%d accuracy=%.4f throughput_ips=%.1f"
                        + " p50_ms=%.1f p99_ms=%.1f",
                images,
                labels,
                deadLetters,
                accuracy(),
                labels / seconds,
                Percentiles.of(sorted, 0.50) / 1000.0,
                Percentiles.of(sorted, 0.99) / 1000.0);
    }

    synchronized long duplicates() {
        return duplicates;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(5_000);
    }
}
