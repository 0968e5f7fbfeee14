package io.resflow.k8s.manifests;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.MapperConfig;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.apache.flink.kubernetes.operator.api.spec.FlinkVersion;

/**
 * Jackson mappers that refuse what the API server would silently drop. The typed models of fabric8,
 * Strimzi and the Flink operator all accept unknown fields (fabric8 and Strimzi keep them in an
 * {@code additionalProperties} any-setter, the Flink operator's classes say {@code ignoreUnknown}),
 * so a misspelt field would parse fine and then do nothing on the cluster. Here any-setters are
 * switched off and {@code ignoreUnknown} is overridden, so every unknown field fails with its path.
 */
public final class StrictMapping {

    private StrictMapping() {}

    /** For YAML documents (one tree per document: see {@link ManifestTree}). */
    public static ObjectMapper yaml() {
        return strict(new ObjectMapper(new YAMLFactory()));
    }

    /** For JSON files, e.g. the Grafana dashboard. */
    public static ObjectMapper json() {
        return strict(new ObjectMapper());
    }

    private static ObjectMapper strict(ObjectMapper mapper) {
        mapper.setAnnotationIntrospector(new NoUnknownFields());
        mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        mapper.enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);
        mapper.enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
        mapper.registerModule(
                new SimpleModule("flink-versions")
                        .addDeserializer(FlinkVersion.class, new FlinkVersions()));
        return mapper;
    }

    /** No any-setters, no {@code ignoreUnknown}: unknown fields are errors. */
    private static final class NoUnknownFields extends JacksonAnnotationIntrospector {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean hasAnySetter(Annotated annotated) {
            return Boolean.FALSE;
        }

        @Override
        public JsonIgnoreProperties.Value findPropertyIgnoralByName(
                MapperConfig<?> config, Annotated annotated) {
            return super.findPropertyIgnoralByName(config, annotated).withoutIgnoreUnknown();
        }
    }

    /**
     * {@code spec.flinkVersion}: the newest Flink operator API on Maven Central (1.10.0) stops at
     * {@code v1_20}, while Flink 2.2 needs the operator's {@code v2_2} (operator 1.13 and later). A
     * well-formed newer version parses as null here; {@code ManifestValidator} then requires it to
     * equal the Flink version of the build, so a typo still fails.
     */
    private static final class FlinkVersions extends JsonDeserializer<FlinkVersion> {
        @Override
        public FlinkVersion deserialize(JsonParser parser, DeserializationContext context)
                throws IOException {
            String text = parser.getValueAsString();
            for (FlinkVersion version : FlinkVersion.values()) {
                if (version.name().equals(text)) {
                    return version;
                }
            }
            if (text != null && text.matches("v\\d+_\\d+")) {
                return null;
            }
            throw JsonMappingException.from(
                    parser,
                    "'"
                            + text
                            + "' is not a Flink version (v<major>_<minor>, e.g. "
                            + Arrays.stream(FlinkVersion.values())
                                    .map(Enum::name)
                                    .collect(Collectors.joining(", "))
                            + ", v2_2)");
        }
    }
}
