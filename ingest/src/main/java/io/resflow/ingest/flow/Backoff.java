package io.resflow.ingest.flow;

import java.time.Duration;

/**
 * Exponential backoff between reconnects: {@code initial}, doubling up to {@code max}; {@link
 * #reset()} once a stream delivers frames again, so a camera that returns after a long outage is
 * retried at most {@code max} later and a flapping one does not hammer its server.
 */
public final class Backoff {

    private final Duration initial;
    private final Duration max;
    private Duration next;

    public Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial backoff must be positive, got " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException(
                    "max backoff " + max + " is shorter than the initial " + initial);
        }
        this.initial = initial;
        this.max = max;
        this.next = initial;
    }

    /** The wait before the next attempt; each call doubles the one after, up to the maximum. */
    public Duration nextDelay() {
        Duration delay = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return delay;
    }

    /** Back to the initial delay: the stream works again. */
    public void reset() {
        next = initial;
    }
}
