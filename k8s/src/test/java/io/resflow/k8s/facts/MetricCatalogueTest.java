package io.resflow.k8s.facts;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.k8s.facts.PipelineOperatorMetrics.Registration;
import io.resflow.k8s.facts.PrometheusMetric.Origin;
import io.resflow.pipeline.metrics.PipelineMetrics;
import io.resflow.trainer.training.TrainingMetrics;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The series names the manifests are checked against, as the code and Flink make them. */
class MetricCatalogueTest {

    private static MetricCatalogue catalogue;

    @BeforeAll
    static void run() {
        catalogue = MetricCatalogue.fromCode();
    }

    @Test
    void theOperatorsRegisterExactlyTheMetricsPipelineMetricsNames() {
        List<Registration> registrations = catalogue.pipelineRegistrations();

        // deadLetters once per error kind, in its key-value group; every other metric once.
        assertThat(registrations)
                .extracting(Registration::metricName)
                .hasSameElementsAs(PipelineMetrics.ALL);
        assertThat(registrations)
                .extracting(Registration::prometheusName)
                .allSatisfy(
                        name ->
                                assertThat(name)
                                        .startsWith(PipelineMetrics.PROMETHEUS_OPERATOR_PREFIX));
    }

    @Test
    void keyValueGroupsAreInTheNameAndInTheLabels() {
        assertThat(
                        catalogue.find(
                                PipelineMetrics.PROMETHEUS_OPERATOR_PREFIX
                                        + PipelineMetrics.ERROR_KIND_GROUP
                                        + "_"
                                        + PipelineMetrics.DEAD_LETTERS))
                .hasValueSatisfying(
                        metric ->
                                assertThat(metric.labels())
                                        .contains(
                                                PipelineMetrics.ERROR_KIND_GROUP,
                                                "job_name",
                                                "operator_name",
                                                "subtask_index"));
        assertThat(
                        catalogue.find(
                                PipelineMetrics.PROMETHEUS_OPERATOR_PREFIX
                                        + PipelineMetrics.DEAD_LETTERS))
                .isEmpty();
        assertThat(
                        catalogue.find(
                                PipelineMetrics.PROMETHEUS_OPERATOR_PREFIX
                                        + "model_name_model_version_"
                                        + PipelineMetrics.MODEL_LOADED))
                .hasValueSatisfying(
                        metric ->
                                assertThat(metric.labels())
                                        .contains(
                                                PipelineMetrics.MODEL_NAME_GROUP,
                                                PipelineMetrics.MODEL_VERSION_GROUP));
    }

    @Test
    void histogramsAreSummariesWithQuantilesAndACount() {
        String endToEnd =
                PipelineMetrics.PROMETHEUS_OPERATOR_PREFIX + PipelineMetrics.END_TO_END_MILLIS;

        assertThat(catalogue.find(endToEnd))
                .hasValueSatisfying(m -> assertThat(m.labels()).contains("quantile"));
        assertThat(catalogue.find(endToEnd + "_count"))
                .hasValueSatisfying(m -> assertThat(m.labels()).doesNotContain("quantile"));
    }

    @Test
    void flinksOwnMetricsAreInTheScopesFlinkRegistersThem() {
        assertThat(catalogue.find("flink_jobmanager_job_numRestarts"))
                .map(PrometheusMetric::origin)
                .contains(Origin.FLINK);
        assertThat(catalogue.find("flink_taskmanager_job_task_operator_pendingRecords"))
                .isPresent();
    }

    @Test
    void theTrainersSeriesComeFromItsRegistry() {
        assertThat(catalogue.own())
                .filteredOn(m -> m.origin() == Origin.TRAINER)
                .extracting(PrometheusMetric::name)
                .allSatisfy(name -> assertThat(name).startsWith(TrainingMetrics.PREFIX))
                .contains("resflow_trainer_iterations_total", "resflow_trainer_accuracy")
                .doesNotContain("resflow_trainer_iterations_created");
        assertThat(catalogue.find("resflow_trainer_accuracy"))
                .hasValueSatisfying(m -> assertThat(m.labels()).contains("split"));
    }
}
