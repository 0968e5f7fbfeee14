package io.resflow.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;

/** A few read-only calls to a local Flink cluster's REST API and Prometheus reporter. */
final class FlinkRest {

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofMillis(300)).build();

    /**
     * The first port of {@code range} ("9249-9259" or "9249") where {@code path} answers 200 with
     * {@code marker}.
     */
    Optional<String> firstAnswering(String range, String path, String marker) {
        String[] bounds = range.split("-");
        int first = Integer.parseInt(bounds[0].trim());
        int last = bounds.length > 1 ? Integer.parseInt(bounds[1].trim()) : first;
        for (int port = first; port <= last; port++) {
            String url = "http://127.0.0.1:" + port + path;
            Optional<String> body = get(url);
            if (body.isPresent() && body.get().contains(marker)) {
                return Optional.of("http://127.0.0.1:" + port);
            }
        }
        return Optional.empty();
    }

    /**
     * Waits until every subtask of the job is RUNNING, i.e. every operator has opened (the scorer
     * has loaded and warmed up its model), so frames sent from now on measure the pipeline, not its
     * start-up. Gives up early, returning false, when the same answer says the job has ended
     * (failed, cancelled or finished).
     */
    boolean awaitAllTasksRunning(String webUrl, JobID job, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> body = get(webUrl + "/jobs/" + job);
            if (body.isPresent()) {
                JsonObject details = JsonParser.parseString(body.get()).getAsJsonObject();
                if (hasEnded(details)) {
                    return false;
                }
                if (allRunning(details)) {
                    return true;
                }
            }
            Thread.sleep(200);
        }
        return false;
    }

    private static boolean hasEnded(JsonObject job) {
        return job.has("state")
                && JobStatus.valueOf(job.get("state").getAsString()).isGloballyTerminalState();
    }

    private static boolean allRunning(JsonObject job) {
        if (!job.has("vertices")) {
            return false;
        }
        for (JsonElement vertex : job.getAsJsonArray("vertices")) {
            JsonObject tasks = vertex.getAsJsonObject().getAsJsonObject("tasks");
            for (Map.Entry<String, JsonElement> state : tasks.entrySet()) {
                if (!state.getKey().equals("RUNNING") && state.getValue().getAsInt() > 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Sums every sample of each named series in a Prometheus text exposition (all label
     * combinations, e.g. every subtask), reading it as an independent scraper would.
     */
    Map<String, Double> scrapeSums(String metricsUrl, java.util.List<String> seriesNames) {
        Map<String, Double> sums = new java.util.LinkedHashMap<>();
        seriesNames.forEach(name -> sums.put(name, 0.0));
        get(metricsUrl)
                .ifPresent(
                        body ->
                                body.lines()
                                        .filter(line -> !line.startsWith("#"))
                                        .forEach(
                                                line -> {
                                                    int brace = line.indexOf('{');
                                                    int space = line.lastIndexOf(' ');
                                                    String name =
                                                            line.substring(
                                                                    0,
                                                                    brace >= 0
                                                                            ? brace
                                                                            : Math.max(
                                                                                    0,
                                                                                    line.indexOf(
                                                                                            ' ')));
                                                    if (sums.containsKey(name) && space > 0) {
                                                        try {
                                                            sums.merge(
                                                                    name,
                                                                    Double.parseDouble(
                                                                            line.substring(
                                                                                    space + 1)),
                                                                    Double::sum);
                                                        } catch (NumberFormatException e) {
                                                            // NaN and friends from empty
                                                            // histograms: nothing to add
                                                        }
                                                    }
                                                }));
        return sums;
    }

    private Optional<String> get(String url) {
        try {
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(2))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
