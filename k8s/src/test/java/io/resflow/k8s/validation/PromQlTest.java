package io.resflow.k8s.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.resflow.k8s.validation.PromQl.Selector;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromQlTest {

    @Test
    void findsSeriesAndTheirMatchersButNotFunctionsOrGroupingLabels() {
        assertThat(
                        PromQl.selectors(
                                "sum by (errorKind)"
                                    + " (rate(a_total{job_name=\"j\",quantile=~\"0.9.*\"}[$__rate_interval]))"
                                    + " / ignoring(x) sum(rate(b[5m])) > 0.05 and deriv(c[15m:1m])"
                                    + " > 0"))
                .containsExactly(
                        new Selector("a_total", matchers("job_name", "j", "quantile", null)),
                        new Selector("b", Map.of()),
                        new Selector("c", Map.of()));
    }

    @Test
    void aNegativeMatcherHasNoValueToCheck() {
        assertThat(PromQl.selectors("absent(up{job!=\"x\"}) * 1000"))
                .containsExactly(new Selector("up", matchers("job", null)));
    }

    /**
     * Label to value; null for matchers other than = (their value is a pattern or an exclusion).
     */
    private static Map<String, String> matchers(String... labelsAndValues) {
        Map<String, String> matchers = new LinkedHashMap<>();
        for (int i = 0; i < labelsAndValues.length; i += 2) {
            matchers.put(labelsAndValues[i], labelsAndValues[i + 1]);
        }
        return matchers;
    }
}
