package io.resflow.architecture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of ResFlow's modules and of the pipeline's packages, stated once. The cli module is
 * the one whose class path holds every other module's classes, so the rules live here; a broken
 * rule fails {@code ./mvnw verify} and names the offending class and dependency.
 *
 * <p>Production classes only: tests may reach across layers to set things up.
 */
class LayeringTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        // Maven puts other modules' test-jars (pipeline's) on this class path.
                        .withImportOption(location -> !location.contains("-tests.jar"))
                        .importPackages("io.resflow");
    }

    @Test
    void theTrainerKnowsNoFlink() {
        check(
                noClasses()
                        .that()
                        .resideInAPackage("io.resflow.trainer..")
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage("org.apache.flink..", "io.resflow.pipeline..")
                        .because("training runs on its own, without a Flink cluster"));
    }

    @Test
    void theRuntimeSharedByTrainerAndPipelineDependsOnNeither() {
        check(
                noClasses()
                        .that()
                        .resideInAPackage("io.resflow.runtime..")
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage(
                                "io.resflow.trainer..",
                                "io.resflow.pipeline..",
                                "io.resflow.cli..",
                                "org.apache.flink..",
                                "ai.djl.pytorch..")
                        .because("the pipeline carries no PyTorch and the trainer no Flink"));
    }

    @Test
    void thePipelineDoesNotTrain() {
        check(
                noClasses()
                        .that()
                        .resideInAPackage("io.resflow.pipeline..")
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage("io.resflow.trainer..", "ai.djl.pytorch..")
                        .because("the job's TaskManagers load TensorFlow SavedModels only"));
    }

    @Test
    void ingestKnowsNoFlinkNorThePipeline() {
        check(
                noClasses()
                        .that()
                        .resideInAPackage("io.resflow.ingest..")
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage(
                                "org.apache.flink..",
                                "io.resflow.pipeline..",
                                "io.resflow.trainer..",
                                "ai.djl..")
                        .because(
                                "an ingest process reads cameras into Kafka; it carries no Flink,"
                                        + " no training and no model engine"));
    }

    @Test
    void ingestsPureLogicKnowsNoFfmpegNorKafka() {
        check(
                noClasses()
                        .that()
                        .resideInAnyPackage(
                                "io.resflow.ingest.flow..", "io.resflow.ingest.cameras..")
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage("org.bytedeco..", "org.apache.kafka..")
                        .because(
                                "backoff, sampling, queues and camera lists are unit-tested"
                                        + " alone"));
    }

    @Test
    void theWireFormatKnowsNoCodeThatUsesIt() {
        check(bottomModule("io.resflow.schema.."));
    }

    @Test
    void theDatasetReadersDependOnNoOtherModule() {
        check(bottomModule("io.resflow.datasets.."));
    }

    @Test
    void kafkaScoringAndReplayDoNotReachIntoTheClassifyJob() {
        check(
                noClasses()
                        .that()
                        .resideInAnyPackage(
                                "io.resflow.pipeline.kafka..",
                                "io.resflow.pipeline.scoring..",
                                "io.resflow.pipeline.replay..",
                                "io.resflow.pipeline.registry..",
                                "io.resflow.pipeline.deployment..")
                        .should()
                        .dependOnClassesThat()
                        .resideInAPackage("io.resflow.pipeline.classify..")
                        .because("the job is assembled from these parts, not the other way round"));
    }

    @Test
    void modelDeploymentsBuildOnTheRegistryAndTheScorersNotTheOtherWayRound() {
        check(
                noClasses()
                        .that()
                        .resideInAnyPackage(
                                "io.resflow.pipeline.registry..",
                                "io.resflow.pipeline.scoring..",
                                "io.resflow.pipeline.kafka..")
                        .should()
                        .dependOnClassesThat()
                        .resideInAPackage("io.resflow.pipeline.deployment..")
                        .because(
                                "which version serves is decided above the scorers that load"
                                        + " it and the registry that stores it"));
    }

    @Test
    void theModelRegistryKnowsNoStreams() {
        check(
                noClasses()
                        .that()
                        .resideInAPackage("io.resflow.pipeline.registry..")
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage(
                                "org.apache.flink.streaming..",
                                "org.apache.flink.api..",
                                "io.resflow.pipeline.scoring..",
                                "io.resflow.pipeline.kafka..")
                        .because(
                                "the command line and the job share it: Flink's file systems"
                                        + " only"));
    }

    @Test
    void theRecordsOperatorsPassAlongAreAtTheBottom() {
        check(
                noClasses()
                        .that()
                        .resideInAPackage(RECORDS)
                        .should()
                        .dependOnClassesThat(
                                resideInAPackage("io.resflow.pipeline..")
                                        .and(resideOutsideOfPackage(RECORDS)))
                        .because(
                                "every operator imports them; they import nothing of the"
                                        + " pipeline"));
    }

    @Test
    void noLibraryModuleDependsOnTheCommandLine() {
        check(
                noClasses()
                        .that()
                        .resideOutsideOfPackages(
                                "io.resflow.cli..", "io.resflow.bench..", "io.resflow.localstack..")
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage(
                                "io.resflow.cli..",
                                "io.resflow.bench..",
                                "io.resflow.localstack.."));
    }

    private static final String RECORDS = "io.resflow.pipeline.records..";

    /** A module at the bottom: it depends on no other ResFlow module. */
    private static ArchRule bottomModule(String packages) {
        return noClasses()
                .that()
                .resideInAPackage(packages)
                .should()
                .dependOnClassesThat(
                        resideInAPackage("io.resflow..").and(resideOutsideOfPackage(packages)))
                .because(
                        "it is a bottom module: the others build on it, it builds on none of them");
    }

    private static void check(ArchRule rule) {
        rule.check(classes);
    }
}
