package io.resflow.cli;

import java.time.Duration;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code ./resflow} launcher: one sub-command per job. */
@Command(
        name = "resflow",
        mixinStandardHelpOptions = true,
        versionProvider = ResFlow.Version.class,
        description = {
            "ResFlow: streaming image classification. ResNet models trained with DJL, served in"
                    + " Apache Flink over Kafka.",
            "",
            "Start with: ./resflow demo"
        },
        subcommands = {
            DemoCommand.class,
            TrainCommand.class,
            EvaluateCommand.class,
            ExportCommand.class,
            ReplayCommand.class,
            IngestCommand.class,
            ArchiveFeedCommand.class,
            ModelCommand.class,
            ClassifyCommand.class,
            BenchCommand.class,
            ResultsCommand.class,
            CommandLine.HelpCommand.class
        })
public final class ResFlow implements Runnable {

    /**
     * The repository the launcher runs from (it sets {@code resflow.home}), so defaults such as the
     * demo's model do not depend on the current directory; the current directory without the
     * launcher.
     */
    static final String LAUNCHER_ROOT = "${sys:resflow.home:-.}";

    @Spec CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for tests and {@link #main}. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new ResFlow());
        commandLine.setExecutionExceptionHandler(new FriendlyErrors());
        // --encoding png as well as PNG; durations as the classify job's options take them ("5 s",
        // "10ms",
        // "2 min") or in ISO-8601 ("PT5M"), in every command.
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.registerConverter(Duration.class, ResFlow::duration);
        ClassifyCommand.addJobOptions(
                commandLine.getSubcommands().get("classify").getCommandSpec());
        return commandLine;
    }

    static Duration duration(String text) {
        String trimmed = text.trim();
        Duration duration;
        try {
            // Flink reads a bare number as milliseconds: "--timeout 300" would be 300 ms. A unit is
            // required.
            if (trimmed.matches("\\d+")) {
                throw new IllegalArgumentException("no unit");
            }
            duration =
                    trimmed.regionMatches(true, 0, "P", 0, 1)
                            ? Duration.parse(trimmed)
                            : TimeUtils.parseDuration(trimmed);
        } catch (RuntimeException e) {
            throw new CommandLine.TypeConversionException(
                    "'" + text + "' is not a duration: give e.g. 5 s, 500 ms," + " 2 min or PT5M");
        }
        if (duration.isNegative()) {
            throw new CommandLine.TypeConversionException(
                    "'" + text + "' is negative: a duration here is 0 or more");
        }
        return duration;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "Missing sub-command: one of " + spec.subcommands().keySet());
    }

    /** The project version, from the jar manifest when packaged. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ResFlow.class.getPackage().getImplementationVersion();
            return new String[] {"resflow " + (version == null ? "(development build)" : version)};
        }
    }

    /**
     * Errors a user can act on (bad settings, missing data or model, unreachable broker) are
     * printed as one clear line with exit code 1; stack traces only with RESFLOW_LOG_LEVEL=DEBUG.
     */
    static final class FriendlyErrors implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(
                Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) {
            commandLine
                    .getErr()
                    .println(
                            commandLine
                                    .getColorScheme()
                                    .errorText(
                                            "resflow "
                                                    + commandLine.getCommandName()
                                                    + ": "
                                                    + describe(e)));
            if ("DEBUG".equalsIgnoreCase(System.getenv("RESFLOW_LOG_LEVEL"))) {
                e.printStackTrace(commandLine.getErr());
            }
            return 1;
        }

        private static String describe(Throwable e) {
            StringBuilder message = new StringBuilder(String.valueOf(e.getMessage()));
            for (Throwable cause = e.getCause();
                    cause != null && cause != cause.getCause();
                    cause = cause.getCause()) {
                if (cause.getMessage() != null
                        && !message.toString().contains(cause.getMessage())) {
                    message.append(" (caused by: ").append(cause.getMessage()).append(')');
                }
            }
            return message.toString();
        }
    }
}
