package io.resflow.runtime.savedmodel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.runtime.metadata.ModelMetadataException;
import io.resflow.runtime.metadata.SignatureSpec;
import io.resflow.runtime.natives.NativeLibraryExtractor;
import io.resflow.runtime.tensorflow.NativeLibrarySetup;
import io.resflow.runtime.tensorflow.TensorFlowRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Loads a real SavedModel built in the test through the real TensorFlow natives. */
class SavedModelClassifierTest {

    @TempDir static Path temp;

    private static Path modelDir;
    private static SavedModelClassifier classifier;

    @BeforeAll
    static void exportAndOpen() throws IOException {
        modelDir = TinySavedModel.export(temp.resolve("tiny"));
        classifier = SavedModelClassifier.open(modelDir, Device.cpu());
    }

    @AfterAll
    static void close() {
        if (classifier != null) {
            classifier.close();
        }
    }

    @Test
    void nativeLibrariesComeFromTheClassPathWithoutDownloading() {
        NativeLibrarySetup natives = TensorFlowRuntime.nativeLibraries();
        if (natives.source() == NativeLibrarySetup.Source.EXTRACTED) {
            Path folder = natives.libraryDirectory().orElseThrow();
            assertThat(folder.resolve(NativeLibraryExtractor.MARKER_FILE)).isRegularFile();
            assertThat(folder.resolve("libjnitensorflow.so")).isRegularFile();
            assertThat(folder.getFileName()).hasToString("tensorflow-2.16.1-cu121-linux-x86_64");
        }
        assertThat(TensorFlowRuntime.engine().getVersion()).isEqualTo("2.16.1");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7})
    void probabilitiesEqualAHandComputation(int images) {
        float[] batch = TinySavedModel.batch(images, 3);

        float[][] probabilities = classifier.predict(batch);

        assertThat(probabilities).hasNumberOfRows(images);
        for (int i = 0; i < images; i++) {
            double[] expected = TinySavedModel.expectedProbabilities(batch, i);
            assertThat(probabilities[i]).hasSize(TinySavedModel.LABELS.size());
            for (int c = 0; c < expected.length; c++) {
                assertThat((double) probabilities[i][c])
                        .as("image %d class %d", i, c)
                        .isCloseTo(expected[c], within(1e-6));
            }
        }
    }

    @Test
    void imagesOfABatchAreIndependent() {
        float[] batch = TinySavedModel.batch(7, 11);
        float[][] together = classifier.predict(batch, 7);
        for (int i = 0; i < 7; i++) {
            float[] one = new float[TinySavedModel.PIXELS];
            System.arraycopy(batch, i * one.length, one, 0, one.length);
            assertThat(classifier.predict(one, 1)[0]).containsExactly(together[i], within(1e-6f));
        }
    }

    @Test
    void concurrentPredictionsGiveTheSameAnswers() throws Exception {
        int threads = 6;
        int rounds = 25;
        List<float[]> batches = new ArrayList<>();
        List<float[][]> expected = new ArrayList<>();
        for (int seed = 0; seed < threads; seed++) {
            float[] batch = TinySavedModel.batch(1 + seed, seed);
            batches.add(batch);
            expected.add(classifier.predict(batch));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int index = t;
                Callable<Integer> worker =
                        () -> {
                            start.await();
                            for (int round = 0; round < rounds; round++) {
                                int which = (index + round) % threads;
                                assertThat(classifier.predict(batches.get(which)))
                                        .isDeepEqualTo(expected.get(which));
                            }
                            return rounds;
                        };
                results.add(pool.submit(worker));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> result : results) {
                total += result.get();
            }
            assertThat(total).isEqualTo(threads * rounds);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void exposesMetadataDeviceAndDirectory() {
        assertThat(classifier.metadata()).isEqualTo(TinySavedModel.metadata());
        assertThat(classifier.device()).isEqualTo(Device.cpu());
        assertThat(classifier.directory()).isEqualTo(modelDir.toAbsolutePath().normalize());
    }

    @Test
    void wrongInputLengthIsRefusedWithTheExpectedShape() {
        assertThatThrownBy(() -> classifier.predict(new float[TinySavedModel.PIXELS + 1]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("17 values")
                .hasMessageContaining("1x4x4 NCHW float32")
                .hasMessageContaining("16 values each");
        assertThatThrownBy(() -> classifier.predict(new float[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 values");
        assertThatThrownBy(() -> classifier.predict(new float[TinySavedModel.PIXELS], 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 image(s)")
                .hasMessageContaining("2 x 1 x 4 x 4 = 32");
    }

    @Test
    void missingFolderIsAClearError() {
        Path missing = temp.resolve("no-such-model");
        assertThatThrownBy(() -> SavedModelClassifier.open(missing, Device.cpu()))
                .isInstanceOf(InvalidSavedModelException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist");
    }

    @Test
    void folderWithoutSavedModelPbIsAClearError() throws IOException {
        Path folder = Files.createDirectories(temp.resolve("not-a-model"));
        Files.writeString(folder.resolve("notes.txt"), "hello");
        assertThatThrownBy(() -> SavedModelClassifier.open(folder, Device.cpu()))
                .isInstanceOf(InvalidSavedModelException.class)
                .hasMessageContaining("has no saved_model.pb")
                .hasMessageContaining("notes.txt");
    }

    @Test
    void missingMetadataIsAClearError() throws IOException {
        Path copy = copyModel("without-metadata");
        Files.delete(ModelMetadata.file(copy));
        assertThatThrownBy(() -> SavedModelClassifier.open(copy, Device.cpu()))
                .isInstanceOf(ModelMetadataException.class)
                .hasMessageContaining(ModelMetadata.file(copy).toString())
                .hasMessageContaining("metadata file is missing");
    }

    @Test
    void malformedMetadataIsAClearError() throws IOException {
        Path copy = copyModel("malformed-metadata");
        Files.writeString(ModelMetadata.file(copy), "{\"formatVersion\": 1, \"name\": ");
        assertThatThrownBy(() -> SavedModelClassifier.open(copy, Device.cpu()))
                .isInstanceOf(ModelMetadataException.class)
                .hasMessageContaining(ModelMetadata.file(copy).toString())
                .hasMessageContaining("not valid metadata JSON");
    }

    @Test
    void signatureThatDoesNotFitTheMetadataIsAClearError() throws IOException {
        Path copy = copyModel("wrong-signature");
        ModelMetadata.builder()
                .setName("tiny-linear")
                .setVersion("1")
                .setLabels(TinySavedModel.LABELS)
                .setInput(TinySavedModel.metadata().input())
                .setSignature(SignatureSpec.servingDefault("pixels", "probabilities"))
                .setArchitecture("x")
                .setParameterCount(1)
                .setDataset("synthetic")
                .setCreatedAt(TinySavedModel.metadata().createdAt())
                .build()
                .write(copy);
        assertThatThrownBy(() -> SavedModelClassifier.open(copy, Device.cpu()))
                .isInstanceOf(InvalidSavedModelException.class)
                .hasMessageContaining("has no input 'pixels'")
                .hasMessageContaining("[input]");

        ModelMetadata fourClasses =
                ModelMetadata.builder()
                        .setName("tiny-linear")
                        .setVersion("1")
                        .setLabels(List.of("a", "b", "c", "d"))
                        .setInput(TinySavedModel.metadata().input())
                        .setSignature(TinySavedModel.metadata().signature())
                        .setArchitecture("x")
                        .setParameterCount(1)
                        .setDataset("synthetic")
                        .setCreatedAt(TinySavedModel.metadata().createdAt())
                        .build();
        fourClasses.write(copy);
        assertThatThrownBy(() -> SavedModelClassifier.open(copy, Device.cpu()))
                .isInstanceOf(InvalidSavedModelException.class)
                .hasMessageContaining("output 'probabilities' has shape [-1, 3]")
                .hasMessageContaining("[-1, 4]");
    }

    @Test
    void aGpuThatDoesNotExistIsRefused() {
        assertThatThrownBy(() -> SavedModelClassifier.open(modelDir, Device.gpu(7)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gpu(7) does not exist");
    }

    @Test
    void aClosedClassifierRefusesPredictions() throws IOException {
        SavedModelClassifier second = SavedModelClassifier.open(modelDir, Device.cpu());
        float[] batch = TinySavedModel.batch(2, 5);
        assertThat(second.predict(batch)).isDeepEqualTo(classifier.predict(batch));
        second.close();
        second.close();
        assertThatThrownBy(() -> second.predict(batch))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
    }

    private static Path copyModel(String name) throws IOException {
        Path target = temp.resolve(name);
        try (Stream<Path> files = Files.walk(modelDir)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path destination = target.resolve(modelDir.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(source, destination);
                }
            }
        }
        return target;
    }
}
