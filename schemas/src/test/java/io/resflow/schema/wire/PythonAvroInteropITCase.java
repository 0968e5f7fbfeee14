package io.resflow.schema.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.resflow.schema.ClassScore;
import io.resflow.schema.DeadLetter;
import io.resflow.schema.ErrorKind;
import io.resflow.schema.ImageEncoding;
import io.resflow.schema.ImageRecord;
import io.resflow.schema.LabelStats;
import io.resflow.schema.LatencyBreakdown;
import io.resflow.schema.Prediction;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our bytes read by an independent implementation: Python's avro package (Debian's python3-avro)
 * through tools/avro-single-object.py, which computes the fingerprints itself. `.ci/run` installs
 * python3-avro; without it this test is skipped, saying so.
 */
class PythonAvroInteropITCase {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path REPO = Path.of("").toAbsolutePath().getParent();
    private static final Path SCRIPT = REPO.resolve("tools/avro-single-object.py");
    private static final Path RELEASES =
            REPO.resolve("schemas/src/main/resources/io/resflow/schema/releases");

    @TempDir Path dir;

    @BeforeAll
    static void needsPythonAvro() throws Exception {
        assumeTrue(Files.isExecutable(PYTHON), "no /usr/bin/python3");
        Process probe =
                new ProcessBuilder(PYTHON.toString(), "-c", "import avro.io")
                        .redirectErrorStream(true)
                        .start();
        assumeTrue(
                probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "python3-avro is not installed (apt-get install python3-avro)");
    }

    @Test
    void pythonDecodesEveryRecordTypeWithTheFingerprintItComputesItself() throws Exception {
        Instant t = Instant.ofEpochMilli(1_700_000_000_123L);
        List<Path> files = new ArrayList<>();
        files.add(
                write(
                        "image",
                        SingleObjectCodec.of(ImageRecord.class)
                                .encode(
                                        ImageRecord.newBuilder()
                                                .setId("cam-1-000001")
                                                .setSource("cam-1")
                                                .setCaptureTime(t)
                                                .setEncoding(ImageEncoding.RAW_U8)
                                                .setWidth(2)
                                                .setHeight(1)
                                                .setChannels(1)
                                                .setImageBytes(
                                                        ByteBuffer.wrap(new byte[] {7, (byte) 200}))
                                                .setGroundTruthLabel(4)
                                                .setHeaders(Map.of("site", "dock 3"))
                                                .build())));
        files.add(
                write(
                        "prediction",
                        SingleObjectCodec.of(Prediction.class)
                                .encode(
                                        Prediction.newBuilder()
                                                .setImageId("cam-1-000001")
                                                .setSource("cam-1")
                                                .setCaptureTime(t)
                                                .setScoredTime(t.plusMillis(12))
                                                .setModelName("resnet-20")
                                                .setModelVersion("7")
                                                .setTopK(List.of(new ClassScore(4, "Coat", 0.75f)))
                                                .setTop1Index(4)
                                                .setTop1Label("Coat")
                                                .setTop1Score(0.75f)
                                                .setGroundTruthLabel(4)
                                                .setBatchSize(32)
                                                .setLatency(
                                                        new LatencyBreakdown(
                                                                1_000L, 2_000L, 12_000L))
                                                .build())));
        files.add(
                write(
                        "dead-letter",
                        SingleObjectCodec.of(DeadLetter.class)
                                .encode(
                                        DeadLetter.newBuilder()
                                                .setStage("decode-images")
                                                .setErrorKind(ErrorKind.WRONG_SHAPE)
                                                .setMessage("claims 56x56")
                                                .setTime(t)
                                                .setImageId("cam-1-000002")
                                                .setTopic("images")
                                                .setPartition(0)
                                                .setOffset(42L)
                                                .setOriginalKey(
                                                        ByteBuffer.wrap(
                                                                "cam-1"
                                                                        .getBytes(
                                                                                StandardCharsets
                                                                                        .UTF_8)))
                                                .setOriginalValue(
                                                        ByteBuffer.wrap(new byte[] {1, 2, 3}))
                                                .build())));
        files.add(
                write(
                        "stats",
                        SingleObjectCodec.of(LabelStats.class)
                                .encode(
                                        LabelStats.newBuilder()
                                                .setSource("cam-1")
                                                .setWindowStart(t)
                                                .setWindowEnd(t.plusSeconds(10))
                                                .setTotal(3)
                                                .setCountsByLabel(Map.of("Coat", 2L, "Bag", 1L))
                                                .setMeanTop1Score(0.8)
                                                .build())));

        List<String> out = runPython(files);

        assertThat(out).hasSize(4);
        assertThat(out.get(0))
                .contains("\"release\": \"ImageRecord-v2.avsc\"")
                .contains("\"id\": \"cam-1-000001\"")
                .contains("\"site\": \"dock 3\"")
                .contains("\"groundTruthLabel\": 4");
        assertThat(out.get(1))
                .contains("\"release\": \"Prediction-v1.avsc\"")
                .contains("\"top1Label\": \"Coat\"")
                .contains("\"endToEndMicros\": 12000");
        assertThat(out.get(2))
                .contains("\"release\": \"DeadLetter-v2.avsc\"")
                .contains("\"errorKind\": \"WRONG_SHAPE\"")
                .contains("\"offset\": 42");
        assertThat(out.get(3))
                .contains("\"release\": \"LabelStats-v1.avsc\"")
                .contains("\"Coat\": 2");
        for (int i = 0; i < out.size(); i++) {
            assertThat(out.get(i))
                    .contains(
                            String.format(
                                    "\"fingerprint\": \"0x%016x\"",
                                    ByteBuffer.wrap(Files.readAllBytes(files.get(i)), 2, 8)
                                            .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                                            .getLong()));
        }
    }

    @Test
    void pythonRejectsAnUnknownFingerprintToo() throws Exception {
        byte[] bytes =
                SingleObjectCodec.of(ImageRecord.class)
                        .encode(
                                ImageRecord.newBuilder()
                                        .setId("x")
                                        .setSource("s")
                                        .setCaptureTime(Instant.EPOCH)
                                        .setEncoding(ImageEncoding.PNG)
                                        .setWidth(1)
                                        .setHeight(1)
                                        .setChannels(1)
                                        .setImageBytes(ByteBuffer.wrap(new byte[0]))
                                        .build());
        bytes[5] ^= 0x5A;
        List<String> out = runPython(List.of(write("tampered", bytes)));
        assertThat(out).singleElement().asString().contains("unknown schema fingerprint");
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name + ".bin"), bytes);
    }

    private static List<String> runPython(List<Path> files) throws Exception {
        List<String> command =
                new ArrayList<>(List.of(PYTHON.toString(), SCRIPT.toString(), RELEASES.toString()));
        files.forEach(f -> command.add(f.toString()));
        Process process =
                new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return stdout.lines().toList();
    }
}
