package io.resflow.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.resflow.trainer.resnet.ConvSpec;
import io.resflow.trainer.resnet.ResNet;
import io.resflow.trainer.resnet.ResNetTesting;
import org.junit.jupiter.api.Test;

/** Layout conversions, checked element by element without TensorFlow. */
class TensorFlowWeightsTest {

    @Test
    void convertsLayoutsAndFoldsBatchNorm() {
        ResNet net =
                ResNet.builder("resnet-8-v1-basic-B")
                        .setNumClasses(10)
                        .setInputShape(3, 32, 32)
                        .build();
        TensorFlowWeights weights = weightsWithRandomBatchNorms(net, 2);

        ConvSpec conv = net.spec().units().get(1).convs().get(0); // 3x3, 16 -> 32
        float[] oihw = weights.raw(conv.weightName());
        TensorFlowWeights.Tensor hwio = weights.convKernel(conv);
        assertThat(hwio.shape()).containsExactly(3, 3, 16, 32);
        // element (o=5, i=7, kh=2, kw=1)
        assertThat(hwio.values()[((2 * 3 + 1) * 16 + 7) * 32 + 5])
                .isEqualTo(oihw[((5 * 16 + 7) * 3 + 2) * 3 + 1]);

        String bn = "stage1.unit1.bn2";
        TensorFlowWeights.Tensor[] folded = weights.batchNorm(bn);
        float gamma = weights.raw(bn + ".gamma")[4];
        float beta = weights.raw(bn + ".beta")[4];
        float mean = weights.raw(bn + ".runningMean")[4];
        float var = weights.raw(bn + ".runningVar")[4];
        float x = 0.7f;
        double expected = gamma * (x - mean) / Math.sqrt(var + 1e-5) + beta;
        assertThat(x * folded[0].values()[4] + folded[1].values()[4])
                .isCloseTo((float) expected, within(1e-6f));

        float[] w = weights.raw("head.fc.weight"); // (10, 64)
        TensorFlowWeights.Tensor kernel = weights.denseKernel();
        assertThat(kernel.shape()).containsExactly(64, 10);
        assertThat(kernel.values()[13 * 10 + 6]).isEqualTo(w[6 * 64 + 13]);
    }

    /**
     * A BN folded into the convolution before it: for one output pixel, the folded kernel's dot
     * product plus the BN's shift equals BN of the original kernel's dot product.
     */
    @Test
    void foldsBatchNormIntoTheConvolutionBeforeIt() {
        ResNet net =
                ResNet.builder("resnet-8-v1-basic-B")
                        .setNumClasses(10)
                        .setInputShape(3, 32, 32)
                        .build();
        TensorFlowWeights weights = weightsWithRandomBatchNorms(net, 3);

        ConvSpec conv = net.spec().units().get(1).convs().get(0); // 3x3, 16 -> 32
        String bn = net.spec().units().get(1).batchNormName(1);
        TensorFlowWeights.Tensor plain = weights.convKernel(conv);
        TensorFlowWeights.Tensor folded = weights.convKernelWithBatchNorm(conv, bn);
        TensorFlowWeights.Tensor shift = weights.batchNorm(bn)[1];
        assertThat(folded.shape()).containsExactly(3, 3, 16, 32);
        assertThat(shift.shape()).containsExactly(32);

        java.util.Random random = new java.util.Random(7);
        float[] patch = new float[3 * 3 * 16];
        for (int i = 0; i < patch.length; i++) {
            patch[i] = (float) random.nextGaussian();
        }
        for (int o : new int[] {0, 5, 31}) {
            double raw = 0;
            double fused = 0;
            for (int j = 0; j < patch.length; j++) {
                raw += patch[j] * plain.values()[j * 32 + o];
                fused += patch[j] * folded.values()[j * 32 + o];
            }
            double gamma = weights.raw(bn + ".gamma")[o];
            double beta = weights.raw(bn + ".beta")[o];
            double mean = weights.raw(bn + ".runningMean")[o];
            double var = weights.raw(bn + ".runningVar")[o];
            double expected = gamma * (raw - mean) / Math.sqrt(var + 1e-5) + beta;
            assertThat(fused + shift.values()[o])
                    .isCloseTo(expected, within(1e-4 * (1 + Math.abs(expected))));
        }

        ConvSpec wide = net.spec().units().get(2).convs().get(0); // 64 outputs, not 32
        assertThatThrownBy(() -> weights.convKernelWithBatchNorm(wide, bn))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 32 channels");
    }

    /** Trained-looking weights: initialised, BN statistics randomised, copied out of DJL. */
    private static TensorFlowWeights weightsWithRandomBatchNorms(ResNet net, int seed) {
        try (NDManager manager = ResNetTesting.newManager()) {
            ResNetTesting.initialize(net.block(), net.spec(), manager, 1);
            ResNetTesting.randomizeBatchNorms(net.namedParameters(), seed);
            return TensorFlowWeights.of(net.block(), net.spec());
        }
    }
}
