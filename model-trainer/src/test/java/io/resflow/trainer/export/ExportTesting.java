package io.resflow.trainer.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.resflow.runtime.metadata.ModelMetadata;
import io.resflow.trainer.resnet.ResNet;
import io.resflow.trainer.resnet.ResNetTesting;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A small, deterministic, "trained-looking" network with parity images, for export tests. */
final class ExportTesting {

    /** Parity images per test; production gates use 256. */
    static final int IMAGES = 64;

    private ExportTesting() {}

    /** Labels c0..c(n-1). */
    static List<String> labels(int classes) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < classes; i++) {
            labels.add("class-" + i);
        }
        return labels;
    }

    /** An exporter with plausible settings for {@code channels} input channels. */
    static SavedModelExporter.Builder exporter(int channels, int classes) {
        float[] mean = new float[channels];
        float[] std = new float[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = 0.28f + 0.05f * c;
            std[c] = 0.35f - 0.02f * c;
        }
        return SavedModelExporter.builder()
                .setMetadata(metadata(classes))
                .setMean(mean)
                .setStd(std);
    }

    /** The metadata an exporter of {@link #exporter} starts from. */
    static ModelMetadata.Builder metadata(int classes) {
        return ModelMetadata.builder()
                .setName("test-model")
                .setVersion("1")
                .setLabels(labels(classes))
                .setDataset("synthetic");
    }

    /**
     * Initialises {@code net} with a fixed seed, gives every BN non-trivial statistics (so BN
     * folding is really exercised), and rescales the classifier so that softmax is not saturated on
     * {@code images} (a saturated softmax would hide differences in the logits).
     *
     * @return the parity images, NCHW in [0, 1]
     */
    static float[] prepare(ResNet net, NDManager manager, int seed) {
        return prepare(net, manager, seed, IMAGES);
    }

    /** Like {@link #prepare(ResNet, NDManager, int)} with {@code count} parity images. */
    static float[] prepare(ResNet net, NDManager manager, int seed, int count) {
        ResNetTesting.initialize(net.block(), net.spec(), manager, seed);
        Map<String, Parameter> params = net.namedParameters();
        ResNetTesting.randomizeBatchNorms(params, seed + 1);
        NDArray images = ResNetTesting.images(manager, net.spec(), count, seed + 2);
        NDArray logits = ResNetTesting.predict(net.block(), manager, images.sub(0.3f).div(0.35f));
        float std = logits.sub(logits.mean(new int[] {1}, true)).pow(2).mean().sqrt().getFloat();
        float factor = 1.5f / Math.max(std, 1e-6f);
        for (String name : new String[] {"head.fc.weight", "head.fc.bias"}) {
            NDArray array = params.get(name).getArray();
            float[] values = array.toFloatArray();
            for (int i = 0; i < values.length; i++) {
                values[i] *= factor;
            }
            array.set(values);
        }
        return images.toFloatArray();
    }
}
