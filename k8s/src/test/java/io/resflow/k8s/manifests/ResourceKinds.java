package io.resflow.k8s.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.openshift.api.model.monitoring.v1.PodMonitor;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;

/**
 * The typed model of every {@code apiVersion}/{@code kind} the manifests may use. A kind that is
 * not here has no typed model to check it against, and is refused.
 */
public final class ResourceKinds {

    private static final Map<String, Class<?>> MODELS = new LinkedHashMap<>();

    static {
        register("v1", "Namespace", Namespace.class);
        register("v1", "ServiceAccount", ServiceAccount.class);
        register("v1", "PersistentVolumeClaim", PersistentVolumeClaim.class);
        register("v1", "ConfigMap", ConfigMap.class);
        register("v1", "Secret", Secret.class);
        register("v1", "Service", Service.class);
        register("rbac.authorization.k8s.io/v1", "Role", Role.class);
        register("rbac.authorization.k8s.io/v1", "RoleBinding", RoleBinding.class);
        register("batch/v1", "Job", Job.class);
        register("batch/v1", "CronJob", CronJob.class);
        register("apps/v1", "Deployment", io.fabric8.kubernetes.api.model.apps.Deployment.class);
        // Flink Kubernetes Operator
        register("flink.apache.org/v1beta1", "FlinkDeployment", FlinkDeployment.class);
        // Strimzi (KRaft; kafka.strimzi.io/v1 is the API of Strimzi 0.49 and later)
        register("kafka.strimzi.io/v1", "Kafka", Kafka.class);
        register("kafka.strimzi.io/v1", "KafkaNodePool", KafkaNodePool.class);
        register("kafka.strimzi.io/v1", "KafkaTopic", KafkaTopic.class);
        register("kafka.strimzi.io/v1", "KafkaUser", KafkaUser.class);
        // Prometheus Operator
        register("monitoring.coreos.com/v1", "PodMonitor", PodMonitor.class);
        register("monitoring.coreos.com/v1", "PrometheusRule", PrometheusRule.class);
    }

    private ResourceKinds() {}

    private static void register(String apiVersion, String kind, Class<?> model) {
        MODELS.put(apiVersion + " " + kind, model);
    }

    public static Optional<Class<?>> model(String apiVersion, String kind) {
        return Optional.ofNullable(MODELS.get(apiVersion + " " + kind));
    }

    /**
     * The API group of an object's {@code apiVersion}: "flink.apache.org" of
     * "flink.apache.org/v1beta1", "" of "v1".
     */
    static String apiGroup(JsonNode object) {
        String apiVersion = object.path("apiVersion").asText("");
        return apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    }

    /** "apiVersion kind" of every kind with a model, for error messages. */
    public static String known() {
        return String.join(", ", MODELS.keySet());
    }
}
