package io.resflow.k8s.validation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series a PromQL expression selects, with their label matchers: enough of PromQL to check that
 * alert rules and dashboard queries name metrics and labels that exist. Functions ({@code rate(}),
 * aggregations, grouping clauses ({@code by (errorKind)}), ranges, numbers, strings and Grafana
 * variables ({@code $__rate_interval}) are not series and are left out.
 */
final class PromQl {

    /** A series selector: {@code metric{label="value", ...}}. */
    record Selector(String metric, Map<String, String> matchers) {}

    private static final Pattern GRAFANA_VARIABLE =
            Pattern.compile("\\$\\{?[A-Za-z_][A-Za-z0-9_]*}?");
    private static final Pattern BRACES =
            Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)?\\s*\\{([^}]*)}");
    private static final Pattern MATCHER =
            Pattern.compile(
                    "([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING =
            Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern NUMBER =
            Pattern.compile("\\b\\d+(\\.\\d+)?([eE][+-]?\\d+)?[smhdwy]?\\b");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Set<String> KEYWORDS =
            Set.of(
                    "and",
                    "or",
                    "unless",
                    "bool",
                    "offset",
                    "by",
                    "without",
                    "on",
                    "ignoring",
                    "group_left",
                    "group_right",
                    "inf",
                    "nan",
                    "Inf",
                    "NaN",
                    "atan2");

    private PromQl() {}

    static List<Selector> selectors(String expression) {
        List<Selector> selectors = new ArrayList<>();
        String rest = GRAFANA_VARIABLE.matcher(expression).replaceAll("1m");
        Matcher braces = BRACES.matcher(rest);
        StringBuilder withoutBraces = new StringBuilder();
        while (braces.find()) {
            Map<String, String> matchers = new LinkedHashMap<>();
            Matcher matcher = MATCHER.matcher(braces.group(2));
            while (matcher.find()) {
                matchers.put(
                        matcher.group(1), matcher.group(2).equals("=") ? matcher.group(3) : null);
            }
            String metric = braces.group(1);
            if (metric == null || KEYWORDS.contains(metric)) {
                metric = matchers.get("__name__");
            }
            selectors.add(new Selector(metric, matchers));
            braces.appendReplacement(withoutBraces, " ");
        }
        braces.appendTail(withoutBraces);
        rest = RANGE.matcher(withoutBraces).replaceAll(" ");
        rest = GROUPING.matcher(rest).replaceAll(" ");
        rest = STRING.matcher(rest).replaceAll(" ");
        rest = NUMBER.matcher(rest).replaceAll(" ");
        Matcher identifier = IDENTIFIER.matcher(rest);
        while (identifier.find()) {
            String name = identifier.group();
            String after = rest.substring(identifier.end()).stripLeading();
            if (!after.startsWith("(") && !KEYWORDS.contains(name)) {
                selectors.add(new Selector(name, Map.of()));
            }
        }
        return selectors;
    }
}
