package io.resflow.pipeline.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.resflow.runtime.metadata.InputSpec;
import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.runtime.metadata.SignatureSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassifyJobConfigTest {

    @Test
    void parsesKeyValueArgumentsIntoTypedOptions() {
        Configuration conf =
                ClassifyJobConfig.parseArgs(
                        "--bootstrap-servers",
                        "kafka:9092",
                        "--max-batch-size=128",
                        "--max-batch-delay",
                        "25 ms",
                        "--bounded",
                        "true");
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
        Configuration conf =
                ClassifyJobConfig.parseArgs(
                        "--max-batch-size", "0", "--confidence-threshold", "1.5");
        assertThatThrownBy(() -> ClassifyJobConfig.from(conf))
                .hasMessageContaining("--bootstrap-servers is required")
                .hasMessageContaining("--model (a SavedModel directory) is required")
                .hasMessageContaining("--max-batch-size must be at least 1")
                .hasMessageContaining("--confidence-threshold must be within 0..1");
    }

    @Test
    void refusesScorerSettingsThatCannotWork() {
        Configuration conf =
                ClassifyJobConfig.parseArgs(
                        "--concurrent-batches", "0", "--inference-threads", "-2");
        assertThatThrownBy(() -> ClassifyJobConfig.from(conf))
                .hasMessageContaining("--concurrent-batches must be at least 1, got 0")
                .hasMessageContaining(
                        "--inference-threads must be 0 (one per CPU) or more, got -2");
    }

    @Test
    void refusesTimesThatWouldFailOnTheTaskManagersOrTimeEveryFrameOut() {
        Configuration conf =
                ClassifyJobConfig.parseArgs(
                        "--idle-source-timeout",
                        "0 s",
                        "--max-batch-delay",
                        "100 ms",
                        "--async-timeout",
                        "100 ms");
        // Flink's parser refuses a negative duration; a program's own Configuration does not.
        conf.set(ClassifyJobOptions.OUT_OF_ORDERNESS, Duration.ofSeconds(-1));
        conf.set(ClassifyJobOptions.ALLOWED_LATENESS, Duration.ofSeconds(-5));
        assertThatThrownBy(() -> ClassifyJobConfig.from(conf))
                .hasMessageContaining("--out-of-orderness must not be negative")
                .hasMessageContaining("--allowed-lateness must not be negative")
                .hasMessageContaining("--idle-source-timeout must be positive")
                .hasMessageContaining("--async-timeout must be longer than --max-batch-delay");

        Configuration noTimeout = ClassifyJobConfig.parseArgs("--async-timeout", "0 s");
        assertThatThrownBy(() -> ClassifyJobConfig.from(noTimeout))
                .hasMessageContaining("--async-timeout must be longer than --max-batch-delay");
    }

    @Test
    void refusesABatchNoJavaArrayHolds(@TempDir Path model) throws Exception {
        // 224x224x3 = 150528 values per image: 14266 images fit in one float array, 20000 do not.
        ModelMetadata.builder()
                .setName("big")
                .setVersion("1")
                .setLabels(List.of("a", "b"))
                .setInput(
                        InputSpec.builder()
                                .setHeight(224)
                                .setWidth(224)
                                .setChannels(3)
                                .setPixelScale(1f)
                                .setMean(0f, 0f, 0f)
                                .setStd(1f, 1f, 1f)
                                .build())
                .setSignature(SignatureSpec.servingDefault("input", "probabilities"))
                .setArchitecture("none")
                .setParameterCount(1)
                .setDataset("none")
                .setCreatedAt(Instant.EPOCH)
                .build()
                .write(model);
        Configuration conf =
                ClassifyJobConfig.parseArgs(
                        "--bootstrap-servers",
                        "kafka:9092",
                        "--model",
                        model.toString(),
                        "--max-batch-size",
                        "20000",
                        "--async-capacity",
                        "20000");

        assertThatThrownBy(() -> ClassifyJobConfig.from(conf))
                .hasMessageContaining("--max-batch-size 20000 of ")
                .hasMessageContaining("more than one Java array holds; at most 14266");
        conf.set(ClassifyJobOptions.MAX_BATCH_SIZE, 14266);
        assertThat(ClassifyJobConfig.from(conf).get(ClassifyJobOptions.MAX_BATCH_SIZE))
                .isEqualTo(14266);
    }

    @Test
    void transactionsOutliveARecoveryByDefaultAndMustSpanACheckpoint() {
        // Kafka aborts a transaction older than its timeout and the sink then drops that
        // checkpoint's output.
        assertThat(ClassifyJobOptions.TRANSACTION_TIMEOUT.defaultValue())
                .isEqualTo(Duration.ofMinutes(15));
        Configuration conf =
                ClassifyJobConfig.parseArgs(
                        "--checkpoint-interval", "1 min", "--transaction-timeout", "90 s");
        assertThatThrownBy(() -> ClassifyJobConfig.from(conf))
                .hasMessageContaining(
                        "--transaction-timeout must be at least twice --checkpoint-interval");
    }
}
