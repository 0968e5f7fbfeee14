package io.resflow.ingest;

import io.resflow.ingest.cameras.Camera;
import io.resflow.ingest.decode.DecodedFrame;
import io.resflow.ingest.decode.FrameGrabber;
import io.resflow.ingest.decode.GrabOptions;
import io.resflow.ingest.decode.StreamException;
import io.resflow.ingest.decode.StreamInfo;
import io.resflow.ingest.flow.Backoff;
import io.resflow.ingest.flow.DropOldestQueue;
import io.resflow.ingest.flow.FrameSampler;
import io.resflow.runtime.images.Pixels;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one camera on its own thread: opens its stream, decodes, samples at the target rate and
 * puts the kept frames on the camera's drop-oldest queue. A stream that fails or ends is reopened
 * after an exponential backoff (files only with {@code --loop}); nothing here ever ends the
 * process.
 */
final class CameraWorker implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(CameraWorker.class);

    /** A frame the sender turns into a record. */
    record Sampled(DecodedFrame frame, StreamInfo info) {}

    private final Camera camera;
    private final FrameGrabber.Opener opener;
    private final GrabOptions options;
    private final FrameSampler sampler;
    private final Backoff backoff;
    private final boolean loop;
    private final DropOldestQueue<Sampled> queue;
    private final IngestMetrics metrics;
    private final long startNanos = System.nanoTime();
    private volatile boolean running = true;
    private volatile boolean finished;
    private volatile FrameGrabber current;
    private volatile long lastFrameNanos;
    private Pixels lastShape;
    private boolean failedLast;

    CameraWorker(
            Camera camera,
            FrameGrabber.Opener opener,
            GrabOptions options,
            double fps,
            Backoff backoff,
            boolean loop,
            DropOldestQueue<Sampled> queue,
            IngestMetrics metrics) {
        this.camera = camera;
        this.opener = opener;
        this.options = options;
        this.sampler = new FrameSampler(fps);
        this.backoff = backoff;
        this.loop = loop;
        this.queue = queue;
        this.metrics = metrics;
        metrics.watchLastFrameAge(
                camera.id(),
                () -> {
                    long last = lastFrameNanos;
                    return (System.nanoTime() - (last == 0 ? startNanos : last)) / 1e9;
                });
        metrics.connected.labels(camera.id()).set(0);
        metrics.reconnects.labels(camera.id());
        metrics.gapSeconds.labels(camera.id());
        metrics.decoded.labels(camera.id());
    }

    @Override
    public void run() {
        String id = camera.id();
        boolean first = true;
        while (running) {
            if (!first) {
                metrics.reconnects.labels(id).inc();
            }
            first = false;
            boolean retry = runOnce();
            if (!retry || !running) {
                break;
            }
            if (camera.isFile() && loop && lastFrameNanos != 0 && !failedLast) {
                // A looped file restarts at once.
                continue;
            }
            Duration delay = backoff.nextDelay();
            LOG.info("camera {}: reconnecting in {} ms", id, delay.toMillis());
            long until = System.nanoTime() + delay.toNanos();
            while (running && until - System.nanoTime() > 0) {
                LockSupport.parkNanos(Math.min(until - System.nanoTime(), 100_000_000L));
            }
        }
        finished = true;
    }

    /** One connection; true when the camera should be opened again. */
    private boolean runOnce() {
        String id = camera.id();
        failedLast = false;
        FrameGrabber grabber;
        try {
            grabber = opener.open(camera.url(), options);
        } catch (StreamException e) {
            return failed(e.kind().label(), e.getMessage());
        } catch (RuntimeException e) {
            return failed("internal", camera.safeUrl() + ": " + e);
        } catch (LinkageError e) {
            // FFmpeg's natives did not load (no space in the JavaCPP cache, wrong platform):
            // no camera can be read, and retrying will not change that.
            metrics.streamErrors.labels(camera.id(), "internal").inc();
            LOG.error(
                    "camera {}: FFmpeg could not be loaded ({}); this camera stops. Check that"
                            + " ~/.javacpp/cache (or -Dorg.bytedeco.javacpp.cachedir) is writable",
                    camera.id(),
                    e.toString());
            return false;
        }
        current = grabber;
        if (!running) {
            grabber.interrupt();
        }
        try {
            StreamInfo info = grabber.info();
            metrics.connected.labels(id).set(1);
            LOG.info(
                    "camera {}: reading {} ({} {}x{}, {})",
                    id,
                    camera.safeUrl(),
                    info.codec(),
                    info.width(),
                    info.height(),
                    info.format());
            sampler.restart();
            boolean firstFrame = true;
            while (running) {
                DecodedFrame frame = grabber.grab();
                if (frame == null) {
                    if (!running) {
                        return false;
                    }
                    LOG.info("camera {}: end of {}", id, camera.safeUrl());
                    return camera.isFile() ? loop : true;
                }
                long now = System.nanoTime();
                if (firstFrame && lastFrameNanos != 0 && !camera.isFile()) {
                    double gap = (now - lastFrameNanos) / 1e9;
                    metrics.gapSeconds.labels(id).inc(gap);
                    LOG.info(
                            "camera {}: frames again after a gap of {} s",
                            id,
                            String.format("%.1f", gap));
                }
                firstFrame = false;
                lastFrameNanos = now;
                backoff.reset();
                metrics.decoded.labels(id).inc();
                checkResolution(frame.pixels());
                if (sampler.keep(frame.streamSeconds())) {
                    queue.offer(new Sampled(frame, info));
                }
            }
            return false;
        } catch (StreamException e) {
            return failed(e.kind().label(), e.getMessage());
        } catch (RuntimeException e) {
            return failed("internal", camera.safeUrl() + ": " + e);
        } finally {
            current = null;
            metrics.connected.labels(id).set(0);
            grabber.close();
        }
    }

    private void checkResolution(Pixels pixels) {
        if (lastShape != null && !lastShape.shape().sameSize(pixels.shape())) {
            metrics.streamErrors.labels(camera.id(), "resolution_changed").inc();
            LOG.warn(
                    "camera {}: resolution changed from {}x{} to {}x{}; frames go on at the new"
                            + " size",
                    camera.id(),
                    lastShape.shape().width(),
                    lastShape.shape().height(),
                    pixels.shape().width(),
                    pixels.shape().height());
        }
        lastShape = pixels;
    }

    private boolean failed(String kind, String message) {
        failedLast = true;
        metrics.streamErrors.labels(camera.id(), kind).inc();
        // Files that cannot be opened or decoded will not get better by retrying.
        boolean retry = !camera.isFile() || (loop && lastFrameNanos != 0);
        LOG.warn(
                "camera {}: {} ({}){}",
                camera.id(),
                message,
                kind,
                retry ? "" : "; not retrying a file");
        return retry;
    }

    /** Ends the worker soon, interrupting a blocked read. */
    void stop() {
        running = false;
        FrameGrabber grabber = current;
        if (grabber != null) {
            grabber.interrupt();
        }
    }

    boolean finished() {
        return finished;
    }

    Camera camera() {
        return camera;
    }

    static void awaitQuietly(Thread thread, long millis) {
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
