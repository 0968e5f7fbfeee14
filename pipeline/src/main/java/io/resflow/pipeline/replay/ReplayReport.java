package io.resflow.pipeline.replay;

import java.time.Duration;
import java.util.List;

/**
 * What a replay sent.
 *
 * @param sent every record produced, good and corrupt
 * @param corrupt the planted corrupt records among them
 * @param labelled good frames that carried a ground-truth label
 * @param ids the frame ids of all good and Avro-valid corrupt records, in send order
 */
public record ReplayReport(
        long sent, long corrupt, long labelled, Duration elapsed, List<String> ids) {

    public double framesPerSecond() {
        double seconds = elapsed.toNanos() / 1e9;
        return seconds == 0 ? 0 : sent / seconds;
    }
}
