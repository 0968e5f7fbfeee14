package io.resflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class ResFlowTest {

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        CommandLine commandLine = ResFlow.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    @Test
    void listsEveryCommand() {
        Run run = run("--help");
        assertThat(run.exitCode()).isZero();
        for (String command :
                List.of("demo", "train", "evaluate", "export", "replay", "classify", "bench")) {
            assertThat(run.out()).contains(command);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"demo", "train", "evaluate", "export", "replay", "classify", "bench"})
    void everyCommandHasHelp(String command) {
        Run run = run(command, "--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("Usage: resflow " + command);
    }

    @Test
    void unknownCommandIsRefusedWithASuggestion() {
        Run run = run("replya");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("Unmatched argument at index 0: 'replya'")
                .contains("Did you mean: resflow replay");
    }

    @Test
    void unknownOptionIsRefusedWithASuggestion() {
        Run run = run("demo", "--imgaes", "10");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("Unknown options: '--imgaes'")
                .contains("Possible solutions: --images");
    }

    @Test
    void invalidDepthIsRefusedListingTheValidOnes() {
        Run run = run("train", "--depth", "21", "--output", "target/never-written");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("resflow train:").contains("6n+2").contains("20");
        assertThat(java.nio.file.Path.of("target/never-written")).doesNotExist();
    }

    @Test
    void trainingIntoAFolderThatHoldsSomethingIsRefused(@TempDir java.nio.file.Path folder)
            throws Exception {
        java.nio.file.Files.writeString(folder.resolve("saved_model.pb"), "someone's model");
        Run run = run("train", "--output", folder.toString(), "--max-batches", "1");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("--output " + folder + " is not empty").contains("--resume");
        try (var entries = java.nio.file.Files.list(folder)) {
            assertThat(entries).containsExactly(folder.resolve("saved_model.pb"));
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "--resnet-version=v3|--resnet-version v3: expected one of v1, v2",
                "--unit=huge|--unit huge: expected one of basic, bottleneck",
                "--shortcut=D|--shortcut D: expected one of A, B, C",
                "--schedule=linear|--schedule linear: expected one of step, cosine",
                "--warmup=soon|--warmup soon: expected none, paper or a number of iterations",
                "--holdout=1.5|--holdout 1.5: expected a share between 0 and 1"
            })
    void aWrongChoiceForTrainingIsRefusedNamingTheChoices(String caseText) {
        String[] optionAndMessage = caseText.split("\\|");
        Run run = run("train", optionAndMessage[0], "--output", "target/never-written");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("resflow train: " + optionAndMessage[1]);
        assertThat(java.nio.file.Path.of("target/never-written")).doesNotExist();
    }

    @Test
    void durationsAreTakenAsTheJobOptionsTakeThemOrInIso8601() {
        assertThat(ResFlow.duration("5 s")).isEqualTo(java.time.Duration.ofSeconds(5));
        assertThat(ResFlow.duration("500ms")).isEqualTo(java.time.Duration.ofMillis(500));
        assertThat(ResFlow.duration("2 min")).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(ResFlow.duration("PT5M")).isEqualTo(java.time.Duration.ofMinutes(5));
        for (String notADuration : new String[] {"300", "-5 s", "PT-5S"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ResFlow.duration(notADuration))
                    .as(notADuration)
                    .isInstanceOf(CommandLine.TypeConversionException.class);
        }
        Run run = run("demo", "--timeout", "soon");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("'soon' is not a duration: give e.g. 5 s, 500 ms, 2 min or PT5M");
    }

    @Test
    void enumValuesAreTakenInAnyCase() {
        CommandLine.ParseResult parsed =
                ResFlow.commandLine()
                        .parseArgs(
                                "replay",
                                "--bootstrap-servers",
                                "127.0.0.1:9092",
                                "--encoding",
                                "png");
        Object encoding = parsed.subcommand().matchedOptionValue("--encoding", null);
        assertThat(encoding).hasToString("PNG");
    }

    @Test
    void kafkaThatThisMachineCannotReachIsANoteForARemoteClusterAndAnErrorForALocalOne()
            throws Exception {
        // A Kubernetes service name, which resolves only inside the cluster the job is submitted
        // to.
        String servers = "resflow-kafka-bootstrap.invalid:9092";
        assertThat(
                        ClassifyCommand.kafkaNote(
                                servers,
                                io.resflow.pipeline.kafka.KafkaClientConfig.none(),
                                List.of("images"),
                                List.of(),
                                false,
                                java.time.Duration.ofSeconds(2)))
                .hasValueSatisfying(
                        note ->
                                assertThat(note)
                                        .startsWith("Note: Kafka at " + servers)
                                        .endsWith(
                                                "Submitting anyway: the Flink cluster may reach"
                                                        + " it."));
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () ->
                                ClassifyCommand.kafkaNote(
                                        servers,
                                        io.resflow.pipeline.kafka.KafkaClientConfig.none(),
                                        List.of("images"),
                                        List.of(),
                                        true,
                                        java.time.Duration.ofSeconds(2)))
                .isInstanceOf(
                        io.resflow.pipeline.kafka.KafkaPreflight.KafkaUnreachableException.class);
    }

    @Test
    void resumingARunThatIsAlreadyExportedIsRefusedBeforeTheDataLoads(
            @TempDir java.nio.file.Path runFolder) throws Exception {
        java.nio.file.Files.createDirectories(runFolder.resolve("saved-model"));
        Run run = run("train", "--resume", "--output", runFolder.toString(), "--max-batches", "1");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("is finished and exported").contains("nothing to resume");
    }

    @Test
    void noCommandAsksForOne() {
        Run run = run();
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing sub-command");
    }

    @Test
    void userErrorsArePrintedAsOneLineWithExitCodeOne() {
        Run run = run("demo", "--images", "0");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .contains("resflow demo: --images must be 1..10000")
                .doesNotContain("Exception");
    }

    @Test
    void aBadCameraFeedIsRefusedBeforeAnythingIsSetUp() {
        long start = System.nanoTime();
        Run run = run("demo", "--cameras", "0", "--model", "target/never-trained");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("cameras must be at least 1, got 0");
        assertThat(java.nio.file.Path.of("target/never-trained")).doesNotExist();
        assertThat(System.nanoTime() - start)
                .as("no data, training, broker or cluster first")
                .isLessThan(20_000_000_000L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"--max-batch-size", "--parallelism"})
    void aBadJobSettingIsRefusedBeforeTheModelTrains(String option) {
        long start = System.nanoTime();
        Run run = run("demo", option, "0", "--model", "target/never-trained");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .contains("Cannot start the classify job: " + option + " must be at least 1");
        assertThat(run.out()).doesNotContain("Model:");
        assertThat(java.nio.file.Path.of("target/never-trained")).doesNotExist();
        assertThat(System.nanoTime() - start)
                .as("no data, training, broker or cluster first")
                .isLessThan(20_000_000_000L);
    }

    @Test
    void aModelPathHoldingSomethingElseIsRefusedBeforeTraining(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path run) throws Exception {
        java.nio.file.Files.writeString(
                run.resolve("train.log"), "a training run, not its saved-model folder");
        Run refused = run("demo", "--images", "10", "--model", run.toString());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err())
                .contains("exists but is not a SavedModel")
                .contains("<run>/saved-model");
        assertThat(run.resolve("../quick-training")).doesNotExist();
    }
}
