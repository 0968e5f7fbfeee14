package io.resflow.localstack;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.core.execution.JobClient;

/**
 * How a submitted job ended, for commands that wait on one. Flink refuses to cancel a job that has
 * already failed (the cancel future fails), so a command that cancels in its clean-up would
 * otherwise replace the job's own error with "was not canceled, but instead FAILED".
 */
public final class JobEnds {

    private JobEnds() {}

    /** Whether the job has reached a state it will not leave (failed, cancelled or finished). */
    public static boolean hasEnded(JobClient job) {
        try {
            return job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState();
        } catch (ExecutionException | TimeoutException e) {
            return false; // the cluster did not answer: still ours to cancel
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Cancels the job unless it has already ended. */
    public static void cancelIfRunning(JobClient job) throws Exception {
        if (!hasEnded(job)) {
            job.cancel().get(1, TimeUnit.MINUTES);
        }
    }

    /** Why an ended job ended: its innermost error when it failed, which names the broken part. */
    public static String whyItEnded(JobClient job) {
        try {
            job.getJobExecutionResult().get(30, TimeUnit.SECONDS);
            return "it " + job.getJobStatus().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return root.toString();
        } catch (TimeoutException e) {
            return "no result from the cluster within 30 s";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while asking";
        }
    }
}
