package io.resflow.k8s.facts;

import java.util.Set;

/**
 * A series name as Prometheus stores it, with the labels its samples carry.
 *
 * @param name e.g. {@code flink_taskmanager_job_task_operator_framesIn}
 * @param labels e.g. {@code job_name}, {@code operator_name}, {@code errorKind}, {@code quantile}
 * @param origin who defines it
 * @param definedBy the code that defines it, for messages
 */
public record PrometheusMetric(String name, Set<String> labels, Origin origin, String definedBy) {

    public enum Origin {
        /** Registered by the classify job's operators (io.resflow.pipeline). */
        PIPELINE,
        /** Flink's own metrics (org.apache.flink.runtime.metrics.MetricNames). */
        FLINK,
        /** The trainer's registry (io.resflow.trainer.training.TrainingMetrics). */
        TRAINER
    }
}
