package io.resflow.ingest.cameras;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses cameras from {@code id=URL} strings ({@code --camera}) and files of such lines ({@code
 * --cameras}; blank lines and lines starting with {@code #} are ignored). A URL may contain {@code
 * ${NAME}}, replaced by the environment variable NAME, so credentials can stay in a Kubernetes
 * Secret rather than in the camera file. Error messages never quote a URL unredacted.
 */
public final class CameraList {

    private CameraList() {}

    /** One {@code id=URL}. */
    public static Camera parse(String spec, Map<String, String> environment) {
        int eq = spec == null ? -1 : spec.indexOf('=');
        if (eq <= 0 || eq == spec.length() - 1) {
            throw new IllegalArgumentException(
                    "a camera is given as id=URL (e.g. door=rtsp://10.0.0.7/stream1), got '"
                            + Urls.redact(spec)
                            + "'");
        }
        String id = spec.substring(0, eq).trim();
        String url = expand(spec.substring(eq + 1).trim(), id, environment);
        return new Camera(id, url);
    }

    /** Cameras from command-line specs and optional files, in order; ids must be unique. */
    public static List<Camera> of(
            List<String> specs, List<Path> files, Map<String, String> environment)
            throws IOException {
        List<String> all = new ArrayList<>(specs);
        for (Path file : files) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String trimmed = line.strip();
                if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                    all.add(trimmed);
                }
            }
        }
        Map<String, Camera> byId = new LinkedHashMap<>();
        for (String spec : all) {
            Camera camera = parse(spec, environment);
            if (byId.putIfAbsent(camera.id(), camera) != null) {
                throw new IllegalArgumentException(
                        "camera id " + camera.id() + " is given twice; ids must be unique");
            }
        }
        if (byId.isEmpty()) {
            throw new IllegalArgumentException(
                    "no cameras: give --camera id=URL (repeatable) or --cameras FILE");
        }
        return List.copyOf(byId.values());
    }

    private static String expand(String url, String id, Map<String, String> environment) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < url.length()) {
            int start = url.indexOf("${", i);
            if (start < 0) {
                out.append(url, i, url.length());
                break;
            }
            int end = url.indexOf('}', start);
            if (end < 0) {
                throw new IllegalArgumentException(
                        "camera " + id + ": unclosed ${ in its URL " + Urls.redact(url));
            }
            String name = url.substring(start + 2, end);
            String value = environment.get(name);
            if (value == null) {
                throw new IllegalArgumentException(
                        "camera "
                                + id
                                + ": its URL needs the environment variable "
                                + name
                                + ", which is not set");
            }
            out.append(url, i, start).append(value);
            i = end + 1;
        }
        return out.toString();
    }
}
