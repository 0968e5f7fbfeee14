package io.resflow.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.description.HtmlFormatter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Turns Flink {@link ConfigOption}s into command-line options ({@code --key value}) with their
 * descriptions and defaults, so a job's settings are declared once, in its options class.
 */
final class JobOptionsCli {

    private JobOptionsCli() {}

    static void addTo(CommandSpec spec, List<ConfigOption<?>> options) {
        for (ConfigOption<?> option : options) {
            String defaultText =
                    option.hasDefaultValue()
                            ? " (default: " + format(option.defaultValue()) + ")"
                            : "";
            OptionSpec.Builder cliOption =
                    OptionSpec.builder("--" + option.key())
                            .paramLabel("<" + option.key() + ">")
                            .type(String.class)
                            .description(
                                    new HtmlFormatter()
                                                    .format(option.description())
                                                    .replaceAll("<[^>]+>", "")
                                            + defaultText);
            if (option.defaultValue() instanceof Boolean) {
                // A switch as users expect one: "--bounded" alone means true; "--bounded false"
                // still works.
                cliOption.arity("0..1").fallbackValue("true");
            }
            spec.addOption(cliOption.build());
        }
    }

    /**
     * The options the user gave, as a Flink configuration (typed parsing happens on {@code get}).
     */
    static Configuration given(CommandSpec spec, List<ConfigOption<?>> options) {
        Map<String, String> values = new HashMap<>();
        for (ConfigOption<?> option : options) {
            OptionSpec cliOption = spec.findOption("--" + option.key());
            if (cliOption != null && cliOption.getValue() != null) {
                values.put(option.key(), cliOption.getValue().toString());
            }
        }
        return Configuration.fromMap(values);
    }

    private static String format(Object value) {
        if (value instanceof java.time.Duration d) {
            if (d.toMillis() % 60_000 == 0 && !d.isZero()) {
                return d.toMinutes() + " min";
            }
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
        }
        return String.valueOf(value);
    }
}
