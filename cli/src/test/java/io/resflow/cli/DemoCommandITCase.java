package io.resflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The README's main command, end to end in this JVM: real broker, real Fashion-MNIST frames. */
class DemoCommandITCase {

    @Test
    void everyFrameComesBackAndEveryCorruptOneIsSortedByReason() {
        PrintStream originalOut = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exitCode;
        try {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exitCode = ResFlow.commandLine().execute("demo", "--images", "300", "--corrupt-every", "10");
        } finally {
            System.setOut(originalOut);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        originalOut.print(out);

        assertThat(exitCode).isZero();
        // 30 corrupt frames, the three kinds in turn: 10 each.
        assertThat(out).contains("ROUNDTRIP sent=300 received=300 decoded=270 rejected=30 not_avro=10"
                + " unknown_schema=0 corrupt_record=0 undecodable_image=10 wrong_shape=10 labelled=270");
    }
}
