package io.resflow.runtime.savedmodel;

import org.tensorflow.proto.ConfigProto;

/**
 * How one model's TensorFlow session uses CPU threads: intra-op threads (one operation split over
 * several threads), inter-op threads (independent operations, and concurrent {@code predict} calls,
 * side by side), and whether idle pool threads spin before they sleep.
 *
 * <p>TensorFlow's defaults (all cores for both pools, spinning on) suit a process that does nothing
 * but inference: a spinning thread picks up the next operation at once. Where the same cores also
 * decode images and move records, spinning threads burn CPU the rest of the job needs; {@link
 * #sharedCpu()} turns spinning off (ResFlow's pipeline default: on 2 shared cores its throughput
 * and latency were both better without spinning, while the bare engine lost about 3%). Zero thread
 * counts mean "TensorFlow decides" (one per core).
 */
public record SessionThreads(int intraOp, int interOp, boolean spinning) {

    public SessionThreads {
        if (intraOp < 0 || interOp < 0) {
            throw new IllegalArgumentException(
                    "Thread counts must be 0 (TensorFlow decides) or more, got intra-op "
                            + intraOp
                            + ", inter-op "
                            + interOp);
        }
    }

    /** TensorFlow's own defaults. */
    public static SessionThreads tensorFlowDefaults() {
        return new SessionThreads(0, 0, true);
    }

    /** For a process whose cores also do other work: default pools, no spinning. */
    public static SessionThreads sharedCpu() {
        return new SessionThreads(0, 0, false);
    }

    public SessionThreads withIntraOp(int threads) {
        return new SessionThreads(threads, interOp, spinning);
    }

    public SessionThreads withInterOp(int threads) {
        return new SessionThreads(intraOp, threads, spinning);
    }

    public SessionThreads withSpinning(boolean on) {
        return new SessionThreads(intraOp, interOp, on);
    }

    /**
     * {@code base} (DJL's session config, which may carry GPU options) with these settings applied.
     */
    ConfigProto applyTo(ConfigProto base) {
        ConfigProto.Builder config = base.toBuilder();
        if (intraOp > 0) {
            config.setIntraOpParallelismThreads(intraOp);
        }
        if (interOp > 0) {
            config.setInterOpParallelismThreads(interOp);
        }
        config.setExperimental(
                base.getExperimental().toBuilder().setDisableThreadSpinning(!spinning));
        return config.build();
    }

    @Override
    public String toString() {
        return "intra-op "
                + (intraOp == 0 ? "auto" : intraOp)
                + ", inter-op "
                + (interOp == 0 ? "auto" : interOp)
                + ", spinning "
                + (spinning ? "on" : "off");
    }
}
