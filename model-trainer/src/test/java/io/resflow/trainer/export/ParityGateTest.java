package io.resflow.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.resflow.trainer.resnet.ResNet;
import io.resflow.trainer.resnet.ResNetTesting;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A wrong export must never pass: the gate fails loudly and nothing is published. */
class ParityGateTest {

    @TempDir Path temp;

    @Test
    void perturbedWeightIsCaughtAndNothingIsPublished() throws Exception {
        ResNet net =
                ResNet.builder("resnet-8-v1-basic-B")
                        .setNumClasses(10)
                        .setInputShape(1, 28, 28)
                        .build();
        try (NDManager manager = ResNetTesting.newManager()) {
            float[] images = ExportTesting.prepare(net, manager, 5);
            Path target = temp.resolve("models").resolve("wrong");
            SavedModelExporter exporter =
                    ExportTesting.exporter(1, 10)
                            .tamperWith(
                                    w -> {
                                        String name = "stage2.unit1.conv1.weight";
                                        float[] values = w.raw(name).clone();
                                        values[7] += 0.5f;
                                        return w.withRaw(name, values);
                                    })
                            .build();

            assertThatThrownBy(() -> exporter.export(net.block(), net.spec(), images, target))
                    .isInstanceOf(ParityException.class)
                    .hasMessageContaining("does not reproduce the trained model")
                    .hasMessageContaining("max |p_tf - p_pt| = ")
                    .hasMessageContaining("worst: image ")
                    .hasMessageContaining("FAILED")
                    .satisfies(
                            e -> {
                                ParityResult result = ((ParityException) e).result();
                                assertThat(result.maxAbsDifference()).isGreaterThan(1e-4);
                                assertThat(result.passed()).isFalse();
                            });
            assertThat(target).doesNotExist();
            try (var leftovers = Files.list(target.getParent())) {
                assertThat(leftovers).isEmpty();
            }
        }
    }

    @Test
    void batchNormStatisticsThatDifferAreCaught() throws Exception {
        ResNet net =
                ResNet.builder("resnet-8-v2-basic-A")
                        .setNumClasses(10)
                        .setInputShape(3, 32, 32)
                        .build();
        try (NDManager manager = ResNetTesting.newManager()) {
            float[] images = ExportTesting.prepare(net, manager, 9);
            Path target = temp.resolve("bn");
            SavedModelExporter exporter =
                    ExportTesting.exporter(3, 10)
                            .tamperWith(
                                    w -> {
                                        String name = "head.bn.runningVar";
                                        float[] values = w.raw(name).clone();
                                        values[3] *= 1.5f;
                                        return w.withRaw(name, values);
                                    })
                            .build();
            assertThatThrownBy(() -> exporter.export(net.block(), net.spec(), images, target))
                    .isInstanceOf(ParityException.class);
            assertThat(target).doesNotExist();
        }
    }

    @Test
    void gateComparesAnExistingExportWithAChangedReference() throws Exception {
        ResNet net =
                ResNet.builder("resnet-8-v1-basic-A")
                        .setNumClasses(10)
                        .setInputShape(1, 28, 28)
                        .build();
        try (NDManager manager = ResNetTesting.newManager()) {
            float[] images = ExportTesting.prepare(net, manager, 3);
            Path target = temp.resolve("ok");
            ExportTesting.exporter(1, 10).build().export(net.block(), net.spec(), images, target);
            ParityGate gate = new ParityGate(1e-4, 50);
            assertThat(gate.check(net.block(), target, images).passed()).isTrue();

            NDArray bias = net.namedParameters().get("head.fc.bias").getArray();
            float[] values = bias.toFloatArray();
            values[2] += 1f;
            bias.set(values);

            ParityResult measured = gate.compare(net.block(), target, images);
            assertThat(measured.passed()).isFalse();
            assertThat(measured.maxAbsDifference()).isGreaterThan(1e-3);
            assertThatThrownBy(() -> gate.check(net.block(), target, images))
                    .isInstanceOf(ParityException.class)
                    .hasMessageContaining(target.toString());
        }
    }

    /**
     * A confident model, as a trained one is: a logit off by 0.5 on a class of probability 1.7e-5
     * moves no probability by even 2e-5, far inside the 1e-4 tolerance; its log moves by 0.5.
     */
    @Test
    void aLogitErrorThatSoftmaxHidesIsCaughtInTheLogProbabilities() throws Exception {
        ResNet net =
                ResNet.builder("resnet-8-v1-basic-A")
                        .setNumClasses(10)
                        .setInputShape(1, 28, 28)
                        .build();
        try (NDManager manager = ResNetTesting.newManager()) {
            float[] image = ExportTesting.prepare(net, manager, 4, 1);
            // The exporter's normalisation (ExportTesting.exporter) for the reference's logits.
            float[] logits =
                    ResNetTesting.predict(
                                    net.block(),
                                    manager,
                                    manager.create(image, new Shape(1, 1, 28, 28))
                                            .sub(0.28f)
                                            .div(0.35f))
                            .toFloatArray();
            int top = 0;
            for (int c = 1; c < logits.length; c++) {
                top = logits[c] > logits[top] ? c : top;
            }
            int unlikely = (top + 1) % logits.length;
            NDArray bias = net.namedParameters().get("head.fc.bias").getArray();
            float[] values = bias.toFloatArray();
            values[unlikely] +=
                    logits[top] - 11f - logits[unlikely]; // p about e^-11 = 1.7e-5 at most
            bias.set(values);
            Path target = temp.resolve("confident");
            ExportTesting.exporter(1, 10).build().export(net.block(), net.spec(), image, target);
            ParityGate gate = new ParityGate(1e-4, 50);
            assertThat(gate.compare(net.block(), target, image).passed()).isTrue();

            values[unlikely] += 0.5f;
            bias.set(values);
            ParityResult measured = gate.compare(net.block(), target, image);

            assertThat(measured.maxAbsDifference())
                    .as("what the probabilities alone show")
                    .isLessThan(2e-5);
            assertThat(measured.maxLogDifference()).isGreaterThan(0.4);
            assertThat(measured.worstLogClass()).isEqualTo(unlikely);
            assertThat(measured.passed()).isFalse();
            assertThat(measured.describe())
                    .contains("max |log p_tf - log p_pt| = ")
                    .contains("FAILED");
        }
    }

    @Test
    void logDifferencesLeaveOutWhatBothEnginesFindImpossible() {
        assertThat(ParityGate.logDifference(1e-9f, 3e-9f)).isZero();
        assertThat(ParityGate.logDifference(0.5f, 0.5f)).isZero();
        assertThat(ParityGate.logDifference(2e-6f, 1e-6f))
                .isCloseTo(Math.log(2), org.assertj.core.api.Assertions.within(1e-6));
        assertThat(ParityGate.logDifference(1e-3f, 0f))
                .as("underflow on one side only")
                .isGreaterThan(90);
        assertThat(ParityGate.logDifference(Float.NaN, 0.5f)).isInfinite();
    }
}
