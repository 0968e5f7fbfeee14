package io.resflow.pipeline.kafka;

import io.resflow.kafka.embedded.EmbeddedKafka;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Test set-up of a secured Kafka: a key pair and certificate for 127.0.0.1 made with the JDK's
 * {@code keytool} (as an operator would), a trust store with it, SCRAM users and ACLs on the
 * embedded broker's SASL_SSL listener, and client properties files as users write them.
 */
public final class SecuredKafka {

    public static final String STORE_PASSWORD = "store-secret-1";

    private SecuredKafka() {}

    /** The broker's key store and the clients' trust store, made in {@code dir}. */
    public record Stores(Path keystore, Path truststore) {}

    public static Stores createStores(Path dir) throws IOException, InterruptedException {
        Path keystore = dir.resolve("broker.p12");
        Path certificate = dir.resolve("broker.crt");
        Path truststore = dir.resolve("truststore.p12");
        keytool(
                "-genkeypair",
                "-alias",
                "broker",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-validity",
                "2",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=IP:127.0.0.1",
                "-keystore",
                keystore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                STORE_PASSWORD,
                "-keypass",
                STORE_PASSWORD);
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "broker",
                "-keystore",
                keystore.toString(),
                "-storepass",
                STORE_PASSWORD,
                "-file",
                certificate.toString());
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "broker",
                "-file",
                certificate.toString(),
                "-keystore",
                truststore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                STORE_PASSWORD);
        return new Stores(keystore, truststore);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
        }
    }

    /** A client properties file for SCRAM-SHA-512 over TLS, as a user writes one. */
    public static Path clientConfig(
            Path dir, String name, Stores stores, String user, String password) throws IOException {
        Path file = dir.resolve(name + ".properties");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "security.protocol=SASL_SSL",
                        "sasl.mechanism=SCRAM-SHA-512",
                        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule"
                                + " required username=\""
                                + user
                                + "\" password=\""
                                + password
                                + "\";",
                        "ssl.truststore.type=PKCS12",
                        "ssl.truststore.location=" + stores.truststore(),
                        "ssl.truststore.password=" + STORE_PASSWORD,
                        ""));
        return file;
    }

    /** Allows {@code user} {@code operation} on the resource {@code name} (literal or prefixed). */
    public static AclBinding allow(
            String user,
            AclOperation operation,
            ResourceType type,
            String name,
            PatternType pattern) {
        return new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }

    public static void createAcls(EmbeddedKafka kafka, List<AclBinding> acls) throws Exception {
        try (Admin admin = Admin.create(kafka.adminProperties())) {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
        }
    }
}
