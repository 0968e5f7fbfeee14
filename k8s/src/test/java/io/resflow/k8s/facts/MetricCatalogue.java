package io.resflow.k8s.facts;

import io.prometheus.client.Collector;
import io.resflow.k8s.facts.PrometheusMetric.Origin;
import io.resflow.trainer.training.TrainingMetrics;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collection;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.runtime.metrics.MetricNames;
import org.apache.flink.runtime.metrics.groups.AbstractMetricGroup;
import org.apache.flink.runtime.metrics.groups.UnregisteredMetricGroups;

/**
 * Every Prometheus series ResFlow's manifests may name, each from the code that defines it:
 *
 * <ul>
 *   <li>the classify job's operator metrics, by running the operators ({@link
 *       PipelineOperatorMetrics}); histograms become a summary ({@code name{quantile=...}} and
 *       {@code name_count});
 *   <li>Flink's own metrics ({@link MetricNames}) in the scopes Flink registers them, from Flink's
 *       own metric groups;
 *   <li>the trainer's metrics, from a filled {@link TrainingMetrics} registry.
 * </ul>
 */
public final class MetricCatalogue {

    /** Labels Prometheus adds to every series a PodMonitor scrapes. */
    public static final Set<String> TARGET_LABELS =
            Set.of("namespace", "pod", "container", "endpoint", "instance", "job", "service");

    private final Map<String, PrometheusMetric> metrics = new LinkedHashMap<>();
    private final List<PipelineOperatorMetrics.Registration> pipelineRegistrations;

    private MetricCatalogue(List<PipelineOperatorMetrics.Registration> pipelineRegistrations) {
        this.pipelineRegistrations = pipelineRegistrations;
    }

    public static MetricCatalogue fromCode() {
        MetricCatalogue catalogue = new MetricCatalogue(PipelineOperatorMetrics.register());
        catalogue.addPipeline();
        catalogue.addFlink();
        catalogue.addTrainer();
        return catalogue;
    }

    public Optional<PrometheusMetric> find(String name) {
        return Optional.ofNullable(metrics.get(name));
    }

    public Collection<PrometheusMetric> all() {
        return Collections.unmodifiableCollection(metrics.values());
    }

    /**
     * The series ResFlow's own code defines (pipeline and trainer), which the manifests should all
     * show.
     */
    public List<PrometheusMetric> own() {
        return metrics.values().stream().filter(m -> m.origin() != Origin.FLINK).toList();
    }

    public List<PipelineOperatorMetrics.Registration> pipelineRegistrations() {
        return pipelineRegistrations;
    }

    private void addPipeline() {
        for (PipelineOperatorMetrics.Registration r : pipelineRegistrations) {
            String definedBy = r.operator() + " (" + r.type() + " " + r.metricName() + ")";
            if (r.type().equals("histogram")) {
                Set<String> withQuantile = new TreeSet<>(r.labels());
                withQuantile.add("quantile");
                put(
                        new PrometheusMetric(
                                r.prometheusName(), withQuantile, Origin.PIPELINE, definedBy));
                put(
                        new PrometheusMetric(
                                r.prometheusName() + "_count",
                                r.labels(),
                                Origin.PIPELINE,
                                definedBy));
            } else {
                put(
                        new PrometheusMetric(
                                r.prometheusName(), r.labels(), Origin.PIPELINE, definedBy));
            }
        }
    }

    private void addFlink() {
        List<AbstractMetricGroup<?>> scopes =
                List.of(
                        (AbstractMetricGroup<?>)
                                UnregisteredMetricGroups.createUnregisteredJobManagerMetricGroup(),
                        (AbstractMetricGroup<?>)
                                UnregisteredMetricGroups
                                        .createUnregisteredJobManagerJobMetricGroup(),
                        (AbstractMetricGroup<?>)
                                UnregisteredMetricGroups.createUnregisteredTaskManagerMetricGroup(),
                        (AbstractMetricGroup<?>)
                                UnregisteredMetricGroups.createUnregisteredTaskMetricGroup(),
                        (AbstractMetricGroup<?>)
                                UnregisteredMetricGroups.createUnregisteredOperatorMetricGroup());
        for (Field field : MetricNames.class.getFields()) {
            if (!Modifier.isStatic(field.getModifiers()) || field.getType() != String.class) {
                continue;
            }
            String name;
            try {
                name = (String) field.get(null);
            } catch (IllegalAccessException e) {
                continue;
            }
            for (AbstractMetricGroup<?> scope : scopes) {
                String prometheusName =
                        "flink_"
                                + scope.getLogicalScope(
                                        PipelineOperatorMetrics.PROMETHEUS_CHARACTERS, '_')
                                + "_"
                                + PipelineOperatorMetrics.PROMETHEUS_CHARACTERS.filterCharacters(
                                        name);
                Set<String> labels =
                        scope.getAllVariables().keySet().stream()
                                .map(key -> key.substring(1, key.length() - 1))
                                .collect(Collectors.toCollection(TreeSet::new));
                metrics.putIfAbsent(
                        prometheusName,
                        new PrometheusMetric(
                                prometheusName,
                                labels,
                                Origin.FLINK,
                                "Flink MetricNames." + field.getName()));
            }
        }
    }

    private void addTrainer() {
        TrainingMetrics training = new TrainingMetrics();
        // Fill every series, labelled children included, so the registry shows all of them.
        training.recordIteration(1, 1, 0.5, 0.1, 1);
        training.recordEpoch(1, 1, 0.5, 0.5, 1);
        training.recordSuccess();
        Enumeration<Collector.MetricFamilySamples> families =
                training.registry().metricFamilySamples();
        while (families.hasMoreElements()) {
            Collector.MetricFamilySamples family = families.nextElement();
            Map<String, Set<String>> labelsBySample = new LinkedHashMap<>();
            for (Collector.MetricFamilySamples.Sample sample : family.samples) {
                labelsBySample
                        .computeIfAbsent(sample.name, n -> new TreeSet<>())
                        .addAll(sample.labelNames);
            }
            labelsBySample.forEach(
                    (sample, labels) -> {
                        if (!sample.endsWith(
                                "_created")) { // the client's creation-time series: nothing to show
                            put(
                                    new PrometheusMetric(
                                            sample,
                                            labels,
                                            Origin.TRAINER,
                                            "TrainingMetrics (" + family.name + ")"));
                        }
                    });
        }
    }

    private void put(PrometheusMetric metric) {
        PrometheusMetric previous = metrics.get(metric.name());
        if (previous != null) {
            Set<String> labels = new TreeSet<>(previous.labels());
            labels.addAll(metric.labels());
            metric =
                    new PrometheusMetric(
                            metric.name(), labels, metric.origin(), previous.definedBy());
        }
        metrics.put(metric.name(), metric);
    }
}
