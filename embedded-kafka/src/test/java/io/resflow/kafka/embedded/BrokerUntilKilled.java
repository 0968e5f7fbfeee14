package io.resflow.kafka.embedded;

/**
 * A broker in a JVM of its own that prints its log folder and runs until the process is stopped.
 */
public final class BrokerUntilKilled {

    private BrokerUntilKilled() {}

    public static void main(String[] args) throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.builder().optTopic("frames", 1).build().start();
        System.out.println("LOG_DIR " + kafka.logDir());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE); // never closed here: only the shutdown hook can clean up
    }
}
