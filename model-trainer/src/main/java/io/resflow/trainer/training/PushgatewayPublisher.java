package io.resflow.trainer.training;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.PushGateway;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes a registry to a Prometheus Pushgateway, the convention for batch jobs that may end before
 * they are scraped. Each push replaces the group {@code job/<job>/run/<run>} (HTTP PUT), so the
 * gateway holds the latest values of each run. A gateway that cannot be reached is logged as a
 * warning and never stops training; connect and read time out after {@value #TIMEOUT_MILLIS} ms so
 * a silent gateway cannot stall it either.
 */
public final class PushgatewayPublisher {

    static final int TIMEOUT_MILLIS = 5_000;

    private static final Logger LOG = LoggerFactory.getLogger(PushgatewayPublisher.class);

    private final String address;
    private final String job;
    private final Map<String, String> groupingKey;
    private final PushGateway gateway;

    /**
     * @param address {@code host:port}, or an {@code http://} / {@code https://} URL
     * @param job the {@code job} label
     * @param run the {@code run} label, e.g. the run directory's name
     */
    public PushgatewayPublisher(String address, String job, String run) {
        this.address = address;
        this.job = job;
        this.groupingKey = Map.of("run", run);
        PushGateway g;
        if (address.startsWith("http://") || address.startsWith("https://")) {
            try {
                g = new PushGateway(new URL(address));
            } catch (java.net.MalformedURLException e) {
                throw new IllegalArgumentException(
                        "pushgateway address '" + address + "' is not a valid URL", e);
            }
        } else {
            g = new PushGateway(address);
        }
        g.setConnectionFactory(
                url -> {
                    HttpURLConnection connection =
                            (HttpURLConnection) new URL(url).openConnection();
                    connection.setConnectTimeout(TIMEOUT_MILLIS);
                    connection.setReadTimeout(TIMEOUT_MILLIS);
                    return connection;
                });
        this.gateway = g;
    }

    /** Pushes; returns false (after logging why) when the gateway could not be reached. */
    public boolean push(CollectorRegistry registry) {
        try {
            gateway.push(registry, job, groupingKey);
            return true;
        } catch (Exception e) {
            LOG.warn(
                    "Could not push training metrics to the Pushgateway at {} (job {}, {}): {};"
                            + " training continues",
                    address,
                    job,
                    groupingKey,
                    e.toString());
            return false;
        }
    }
}
