package io.resflow.trainer.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.nn.LambdaBlock;
import io.resflow.datasets.LabelledImages;
import io.resflow.trainer.data.ChannelStatistics;
import io.resflow.trainer.data.ImageClassificationDataset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassifierEvaluationTest {

    @Test
    void countsArgMaxPredictionsAgainstLabels() throws Exception {
        // 1x1x3 "images" whose brightest channel is the class a parameter-free model predicts.
        byte[] pixels = {
            (byte) 200,
            0,
            0, // predicted 0, label 0
            0,
            (byte) 200,
            0, // predicted 1, label 0
            0,
            0,
            (byte) 200, // predicted 2, label 2
            0,
            (byte) 200,
            0, // predicted 1, label 1
            0,
            (byte) 200,
            0 // predicted 1, label 1
        };
        LabelledImages images =
                new LabelledImages(
                        "five", 1, 1, 3, pixels, new int[] {0, 0, 2, 1, 1}, List.of("r", "g", "b"));
        ImageClassificationDataset dataset =
                ImageClassificationDataset.builder()
                        .setImages(images)
                        .setNormalization(
                                new ChannelStatistics(new float[] {0, 0, 0}, new float[] {1, 1, 1}))
                        .setSampling(2, false)
                        .build();

        ConfusionMatrix matrix;
        try (Model model = Model.newInstance("argmax", Device.cpu(), "PyTorch")) {
            model.setBlock(
                    new LambdaBlock(input -> new NDList(input.singletonOrThrow().reshape(-1, 3))));
            matrix = ClassifierEvaluation.evaluate(model, dataset, images.classNames());
        }

        assertThat(matrix.counts()).isDeepEqualTo(new long[][] {{1, 1, 0}, {0, 2, 0}, {0, 0, 1}});
        assertThat(matrix.accuracy()).isEqualTo(0.8);
    }
}
