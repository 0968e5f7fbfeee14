package io.resflow.ingest.flow;

/**
 * Keeps frames at a target rate: of the decoded frames (at the camera's rate, whatever it is),
 * takes the first at or after each multiple of {@code 1/fps} of the stream's own time, so the
 * number kept is {@code fps x duration} whether the camera runs at 25 or 30 fps. A clock that jumps
 * (a reconnect, a looped file, a camera reboot) restarts the grid at the new time instead of
 * emitting a burst or a long silence.
 */
public final class FrameSampler {

    /** Jumps longer than this (backwards at all, or forwards) restart the sampling grid. */
    private static final double MAX_GAP_SECONDS = 2.0;

    private final double interval;
    private double nextDue = Double.NaN;
    private double last = Double.NaN;

    /**
     * @param fps frames per second to keep, positive; {@code Double.POSITIVE_INFINITY} keeps all
     */
    public FrameSampler(double fps) {
        if (!(fps > 0)) {
            throw new IllegalArgumentException("--fps must be positive, got " + fps);
        }
        this.interval = 1.0 / fps;
    }

    /** Whether to keep the frame at {@code seconds} on the stream's clock. */
    public boolean keep(double seconds) {
        boolean jumped =
                Double.isNaN(last)
                        || seconds < last
                        || seconds - last > Math.max(MAX_GAP_SECONDS, 2 * interval);
        last = seconds;
        if (jumped) {
            nextDue = seconds + interval;
            return true;
        }
        // A small tolerance: 1/3 = 0.333.. must not lose a frame to rounding of pts times.
        if (seconds + 1e-6 >= nextDue) {
            // Stay on the grid; skip grid points the stream passed without a frame.
            nextDue +=
                    interval * Math.max(1, Math.floor((seconds + 1e-6 - nextDue) / interval) + 1);
            return true;
        }
        return false;
    }

    /** Forget the clock: the next frame starts a new grid (after a reconnect or a loop). */
    public void restart() {
        last = Double.NaN;
    }
}
