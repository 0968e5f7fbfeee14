package io.resflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.pipeline.classify.ClassifyJobOptions;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

class JobOptionsCliTest {

    private static final List<ConfigOption<?>> OPTIONS =
            List.of(
                    ClassifyJobOptions.BOUNDED,
                    ClassifyJobOptions.TRANSACTION_TIMEOUT,
                    ClassifyJobOptions.PARALLELISM);

    private static Configuration parse(String... args) {
        CommandSpec spec = CommandSpec.create();
        JobOptionsCli.addTo(spec, OPTIONS);
        new CommandLine(spec).parseArgs(args);
        return JobOptionsCli.given(spec, OPTIONS);
    }

    @Test
    void aBooleanOptionAloneIsASwitchAndStillTakesAValue() {
        assertThat(parse("--bounded", "--parallelism", "3").get(ClassifyJobOptions.BOUNDED))
                .isTrue();
        assertThat(parse("--bounded", "false").get(ClassifyJobOptions.BOUNDED)).isFalse();
        assertThat(parse("--parallelism", "3").get(ClassifyJobOptions.BOUNDED))
                .as("absent: the option's default")
                .isEqualTo(ClassifyJobOptions.BOUNDED.defaultValue());
        assertThat(parse("--bounded", "--parallelism", "3").get(ClassifyJobOptions.PARALLELISM))
                .isEqualTo(3);
    }

    @Test
    void durationsInTheHelpReadAsTheyAreDocumented() {
        CommandSpec spec = CommandSpec.create();
        JobOptionsCli.addTo(spec, OPTIONS);
        assertThat(String.join(" ", spec.findOption("--transaction-timeout").description()))
                .contains("(default: 15 min)");
    }
}
