package io.resflow.trainer.export;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.resflow.trainer.resnet.ConvSpec;
import io.resflow.trainer.resnet.HeadSpec;
import io.resflow.trainer.resnet.ResNetParameters;
import io.resflow.trainer.resnet.ResNetSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The trained DJL parameters of one network, converted to the layouts TensorFlow's NHWC kernels
 * want: convolution weights OIHW to HWIO, BN folded into a per-channel scale and shift (or, where
 * it directly follows a convolution, into that convolution's kernel and bias), and the dense weight
 * transposed to (in, classes).
 *
 * <p>Values are copied out of DJL when this object is created, so the DJL model may be closed or
 * trained further afterwards.
 */
public final class TensorFlowWeights {

    /** A converted tensor: row-major values and their TensorFlow shape. */
    public record Tensor(float[] values, long[] shape) {}

    private final ResNetSpec spec;
    private final Map<String, float[]> values;

    private TensorFlowWeights(ResNetSpec spec, Map<String, float[]> values) {
        this.spec = spec;
        this.values = values;
    }

    /**
     * Copies every parameter of {@code block} (built from {@code spec}) out of DJL.
     *
     * @throws IllegalArgumentException if the block does not match the spec or is not initialised
     */
    public static TensorFlowWeights of(Block block, ResNetSpec spec) {
        Map<String, Parameter> params = ResNetParameters.byName(block, spec);
        Map<String, float[]> values = new LinkedHashMap<>();
        params.forEach(
                (name, parameter) -> {
                    if (!parameter.isInitialized()) {
                        throw new IllegalArgumentException(
                                name
                                        + " is not initialised; export a trained (or at least"
                                        + " initialised) model");
                    }
                    values.put(name, parameter.getArray().toFloatArray());
                });
        return new TensorFlowWeights(spec, values);
    }

    /** The network these weights belong to. */
    public ResNetSpec spec() {
        return spec;
    }

    /**
     * A copy with one parameter's raw DJL values replaced, for tests that prove the parity gate
     * catches a wrong export.
     */
    TensorFlowWeights withRaw(String canonicalName, float[] replacement) {
        if (raw(canonicalName).length != replacement.length) {
            throw new IllegalArgumentException(
                    canonicalName
                            + " has "
                            + raw(canonicalName).length
                            + " values, not "
                            + replacement.length);
        }
        Map<String, float[]> copy = new LinkedHashMap<>(values);
        copy.put(canonicalName, replacement.clone());
        return new TensorFlowWeights(spec, copy);
    }

    /** Raw DJL values of one parameter under its canonical name (a view: do not modify). */
    float[] raw(String canonicalName) {
        float[] v = values.get(canonicalName);
        if (v == null) {
            throw new IllegalArgumentException(
                    "no parameter " + canonicalName + " in " + spec.description());
        }
        return v;
    }

    /**
     * Convolution kernel in TensorFlow's HWIO layout (DJL stores OIHW): {@code hwio[kh][kw][i][o] =
     * oihw[o][i][kh][kw]}.
     */
    public Tensor convKernel(ConvSpec conv) {
        float[] oihw = raw(conv.weightName());
        int o = conv.outChannels();
        int in = conv.inChannels();
        int k = conv.kernel();
        float[] hwio = new float[oihw.length];
        for (int oc = 0; oc < o; oc++) {
            for (int ic = 0; ic < in; ic++) {
                for (int kh = 0; kh < k; kh++) {
                    for (int kw = 0; kw < k; kw++) {
                        hwio[((kh * k + kw) * in + ic) * o + oc] =
                                oihw[((oc * in + ic) * k + kh) * k + kw];
                    }
                }
            }
        }
        return new Tensor(hwio, new long[] {k, k, in, o});
    }

    /**
     * Inference-mode BN as {@code y = x * scale + shift} with {@code scale = gamma / sqrt(var +
     * eps)} and {@code shift = beta - mean * scale}, computed in double precision with the spec's
     * epsilon (DJL's 1e-5).
     *
     * @param prefix canonical BN prefix, e.g. {@code stage1.unit1.bn1}
     * @return {scale, shift}, each of shape (channels)
     */
    public Tensor[] batchNorm(String prefix) {
        float[] gamma = raw(prefix + ".gamma");
        float[] beta = raw(prefix + ".beta");
        float[] mean = raw(prefix + ".runningMean");
        float[] var = raw(prefix + ".runningVar");
        double eps = spec.batchNormEpsilon();
        float[] scale = new float[gamma.length];
        float[] shift = new float[gamma.length];
        for (int c = 0; c < gamma.length; c++) {
            double s = gamma[c] / Math.sqrt((double) var[c] + eps);
            scale[c] = (float) s;
            shift[c] = (float) (beta[c] - mean[c] * s);
        }
        long[] shape = {gamma.length};
        return new Tensor[] {new Tensor(scale, shape), new Tensor(shift, shape)};
    }

    /**
     * The HWIO kernel of a convolution with the inference-mode BN that directly follows it folded
     * in: every output channel multiplied by that channel's BN scale, so that {@code conv(x,
     * kernel) + shift == bn(conv(x, original kernel))} with the shift of {@link #batchNorm}. The
     * products are computed in double precision.
     *
     * @param bnPrefix canonical prefix of the BN over this convolution's output
     */
    public Tensor convKernelWithBatchNorm(ConvSpec conv, String bnPrefix) {
        Tensor kernel = convKernel(conv);
        float[] scale = batchNorm(bnPrefix)[0].values();
        int out = conv.outChannels();
        if (scale.length != out) {
            throw new IllegalArgumentException(
                    bnPrefix
                            + " has "
                            + scale.length
                            + " channels, but "
                            + conv.weightName()
                            + " has "
                            + out
                            + " outputs");
        }
        float[] hwio = kernel.values();
        for (int i = 0; i < hwio.length; i++) {
            hwio[i] = (float) ((double) hwio[i] * scale[i % out]);
        }
        return kernel;
    }

    /** Dense kernel as (in, classes), the transpose of DJL's (classes, in). */
    public Tensor denseKernel() {
        HeadSpec head = spec.head();
        float[] w = raw(HeadSpec.DENSE_NAME + ".weight");
        int classes = head.numClasses();
        int in = head.inChannels();
        float[] t = new float[w.length];
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < in; i++) {
                t[i * classes + c] = w[c * in + i];
            }
        }
        return new Tensor(t, new long[] {in, classes});
    }

    /** Dense bias, (classes). */
    public Tensor denseBias() {
        float[] b = raw(HeadSpec.DENSE_NAME + ".bias");
        return new Tensor(b.clone(), new long[] {b.length});
    }

    @Override
    public String toString() {
        return "TensorFlowWeights["
                + Objects.toString(spec.description())
                + ", "
                + values.size()
                + " parameters]";
    }
}
