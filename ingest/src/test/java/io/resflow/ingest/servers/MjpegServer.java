package io.resflow.ingest.servers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.resflow.runtime.images.ImageCodec;
import io.resflow.runtime.images.ImageFormat;
import io.resflow.runtime.images.Pixels;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * An HTTP MJPEG camera ({@code multipart/x-mixed-replace}, as IP cameras send it) on the JDK's HTTP
 * server: {@code /video} sends the frames as JPEGs at a fixed rate, then ends the response.
 */
public final class MjpegServer implements AutoCloseable {

    private static final String BOUNDARY = "resflowframe";

    private final HttpServer server;

    public MjpegServer(List<Pixels> frames, int fps) throws IOException {
        List<byte[]> jpegs =
                frames.stream().map(p -> ImageCodec.encode(p, ImageFormat.JPEG, 0.95f)).toList();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/video", exchange -> serve(exchange, jpegs, fps));
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/video";
    }

    private static void serve(HttpExchange exchange, List<byte[]> jpegs, int fps)
            throws IOException {
        exchange.getResponseHeaders()
                .add("Content-Type", "multipart/x-mixed-replace; boundary=" + BOUNDARY);
        exchange.sendResponseHeaders(200, 0);
        long start = System.nanoTime();
        try (OutputStream out = exchange.getResponseBody()) {
            for (int i = 0; i < jpegs.size(); i++) {
                long due = start + (long) (i * 1e9 / fps);
                while (due - System.nanoTime() > 0) {
                    LockSupport.parkNanos(due - System.nanoTime());
                }
                byte[] jpeg = jpegs.get(i);
                out.write(
                        ("--"
                                        + BOUNDARY
                                        + "\r\nContent-Type: image/jpeg\r\nContent-Length: "
                                        + jpeg.length
                                        + "\r\n\r\n")
                                .getBytes(StandardCharsets.US_ASCII));
                out.write(jpeg);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
        } catch (IOException e) {
            // the client left
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
