package io.resflow.pipeline.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class ClassifyJobConfigTest {

    @Test
    void parsesKeyValueArgumentsIntoTypedOptions() {
        Configuration conf = ClassifyJobConfig.parseArgs("--bootstrap-servers", "kafka:9092", "--max-batch-size=128",
                "--max-batch-delay", "25 ms", "--bounded", "true");
        assertThat(conf.get(ClassifyJobOptions.BOOTSTRAP_SERVERS)).isEqualTo("kafka:9092");
        assertThat(conf.get(ClassifyJobOptions.MAX_BATCH_SIZE)).isEqualTo(128);
        assertThat(conf.get(ClassifyJobOptions.MAX_BATCH_DELAY)).isEqualTo(Duration.ofMillis(25));
        assertThat(conf.get(ClassifyJobOptions.BOUNDED)).isTrue();
        assertThat(conf.get(ClassifyJobOptions.LABELS_TOPIC)).isEqualTo("labels");
    }

    @Test
    void refusesUnknownOptionsListingTheKnownOnes() {
        assertThatThrownBy(() -> ClassifyJobConfig.parseArgs("--max-batch", "3"))
                .hasMessageContaining("unknown option --max-batch")
                .hasMessageContaining("--max-batch-size");
        assertThatThrownBy(() -> ClassifyJobConfig.parseArgs("--model"))
                .hasMessageContaining("--model needs a value");
    }

    @Test
    void listsEveryProblemBeforeStarting() {
        Configuration conf = ClassifyJobConfig.parseArgs("--max-batch-size", "0", "--confidence-threshold", "1.5");
        assertThatThrownBy(() -> ClassifyJobConfig.from(conf))
                .hasMessageContaining("--bootstrap-servers is required")
                .hasMessageContaining("--model (a SavedModel directory) is required")
                .hasMessageContaining("--max-batch-size must be at least 1")
                .hasMessageContaining("--confidence-threshold must be within 0..1");
    }

    @Test
    void refusesScorerSettingsThatCannotWork() {
        Configuration conf = ClassifyJobConfig.parseArgs("--concurrent-batches", "0", "--inference-threads", "-2");
        assertThatThrownBy(() -> ClassifyJobConfig.from(conf))
                .hasMessageContaining("--concurrent-batches must be at least 1, got 0")
                .hasMessageContaining("--inference-threads must be 0 (one per CPU) or more, got -2");
    }

    @Test
    void transactionsOutliveARecoveryByDefaultAndMustSpanACheckpoint() {
        // Kafka aborts a transaction older than its timeout and the sink then drops that checkpoint's output.
        assertThat(ClassifyJobOptions.TRANSACTION_TIMEOUT.defaultValue()).isEqualTo(Duration.ofMinutes(15));
        Configuration conf = ClassifyJobConfig.parseArgs("--checkpoint-interval", "1 min", "--transaction-timeout",
                "90 s");
        assertThatThrownBy(() -> ClassifyJobConfig.from(conf))
                .hasMessageContaining("--transaction-timeout must be at least twice --checkpoint-interval");
    }
}
