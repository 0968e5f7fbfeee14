package io.resflow.ingest.servers;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * GStreamer's RTSP server (Debian's gir1.2-gst-rtsp-server-1.0, from Python) serving one H.264 MP4
 * at {@code rtsp://127.0.0.1:PORT/video}; each client gets the file from its start, in real time.
 */
public final class RtspServer implements AutoCloseable {

    private final Path video;
    private final int port;
    private Process process;

    public RtspServer(Path video, int port) {
        this.video = video;
        this.port = port;
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public String url() {
        return "rtsp://127.0.0.1:" + port + "/video";
    }

    public String urlWithCredentials(String user, String password) {
        return "rtsp://" + user + ":" + password + "@127.0.0.1:" + port + "/video";
    }

    /** Starts the server and waits until it listens. */
    public RtspServer start() throws IOException, InterruptedException {
        Prerequisites.requireGstreamerRtspServer();
        Path script;
        try {
            script = Path.of(RtspServer.class.getResource("/rtsp_server.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        process =
                new ProcessBuilder(
                                List.of(
                                        Prerequisites.PYTHON,
                                        script.toString(),
                                        Integer.toString(port),
                                        video.toString()))
                        .redirectErrorStream(true)
                        .start();
        BufferedReader output =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready =
                CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                String line;
                                StringBuilder all = new StringBuilder();
                                while ((line = output.readLine()) != null) {
                                    all.append(line).append('\n');
                                    if (line.startsWith("ready")) {
                                        return null;
                                    }
                                }
                                return all.toString();
                            } catch (IOException e) {
                                return e.toString();
                            }
                        });
        String failure;
        try {
            failure = ready.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            failure = "not ready within 30 s: " + e;
        }
        if (failure != null) {
            close();
            throw new IllegalStateException("the RTSP server did not start: " + failure);
        }
        // Keep draining its output so it never blocks on a full pipe.
        Thread drain =
                new Thread(
                        () -> {
                            try {
                                while (output.readLine() != null) {
                                    // discard
                                }
                            } catch (IOException e) {
                                // the process ended
                            }
                        },
                        "rtsp-server-output");
        drain.setDaemon(true);
        drain.start();
        return this;
    }

    /** Stops the server (its clients see the connection drop). */
    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            process = null;
        }
    }
}
