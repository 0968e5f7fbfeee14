package io.resflow.pipeline.classify.functions;

import io.resflow.datasets.ImageShape;
import io.resflow.pipeline.metrics.JobTotals;
import io.resflow.pipeline.metrics.PipelineMetrics;
import io.resflow.pipeline.records.DeadLetterRecord;
import io.resflow.pipeline.records.DecodedImage;
import io.resflow.pipeline.records.ModelInput;
import io.resflow.runtime.images.ImagePreprocessor;
import io.resflow.runtime.images.Pixels;
import io.resflow.schema.ErrorKind;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Converts decoded pixels to the model's input (size, channels, layout, scale from the model's
 * metadata) with the trainer's own preprocessing ({@link ImagePreprocessor}). Images of another
 * size are resized, or, when resizing is off, sent to dead letters.
 */
public final class PreprocessImages extends ProcessFunction<DecodedImage, ModelInput> {

    private static final long serialVersionUID = 1L;

    public static final String UID = "preprocess-images";

    public static final OutputTag<DeadLetterRecord> DEAD_LETTERS =
            new OutputTag<>("preprocess-dead-letters") {};

    private final ImagePreprocessor preprocessor;
    private final boolean resize;

    private transient Counter wrongShapes;
    private transient LongCounter deadLetterTotal;

    public PreprocessImages(ImagePreprocessor preprocessor, boolean resize) {
        this.preprocessor = preprocessor;
        this.resize = resize;
    }

    @Override
    public void open(OpenContext openContext) {
        wrongShapes =
                getRuntimeContext()
                        .getMetricGroup()
                        .addGroup(PipelineMetrics.ERROR_KIND_GROUP, ErrorKind.WRONG_SHAPE.name())
                        .counter(PipelineMetrics.DEAD_LETTERS);
        deadLetterTotal = JobTotals.deadLetters(getRuntimeContext(), UID);
    }

    @Override
    public void processElement(DecodedImage image, Context ctx, Collector<ModelInput> out) {
        ImageShape shape = new ImageShape(image.height(), image.width(), image.channels());
        if (!resize && !preprocessor.matchesSize(shape)) {
            wrongShapes.inc();
            deadLetterTotal.add(1L);
            ctx.output(
                    DEAD_LETTERS,
                    new DeadLetterRecord(
                            UID,
                            ErrorKind.WRONG_SHAPE,
                            "image is "
                                    + image.height()
                                    + "x"
                                    + image.width()
                                    + ", the model takes another size and resizing is off",
                            System.currentTimeMillis(),
                            image.id(),
                            image.original()));
            return;
        }
        float[] values = preprocessor.toModelInput(new Pixels(shape, image.pixels()));
        out.collect(
                new ModelInput(
                        image.id(),
                        image.source(),
                        image.captureTime(),
                        image.groundTruthLabel(),
                        values,
                        image.original()));
    }
}
