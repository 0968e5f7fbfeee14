package io.resflow.pipeline.classify.functions;

import io.resflow.pipeline.images.ModelInputConverter;
import io.resflow.pipeline.metrics.JobTotals;
import io.resflow.pipeline.metrics.PipelineMetrics;
import io.resflow.pipeline.records.DeadLetterRecord;
import io.resflow.pipeline.records.DecodedImage;
import io.resflow.pipeline.records.ModelInput;
import io.resflow.schema.ErrorKind;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Converts decoded pixels to the model's input (size, channels, layout, scale from the model's
 * metadata). Images of another size are resized, or, when resizing is off, sent to dead letters.
 */
public final class PreprocessImages extends ProcessFunction<DecodedImage, ModelInput> {

    private static final long serialVersionUID = 1L;

    public static final String UID = "preprocess-images";

    public static final OutputTag<DeadLetterRecord> DEAD_LETTERS =
            new OutputTag<>("preprocess-dead-letters") {};

    private final ModelInputConverter converter;
    private final boolean resize;

    private transient Counter wrongShapes;
    private transient LongCounter deadLetterTotal;

    public PreprocessImages(ModelInputConverter converter, boolean resize) {
        this.converter = converter;
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
        if (!resize && !converter.matchesSize(image.height(), image.width())) {
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
        float[] values =
                converter.toModelInput(
                        image.pixels(), image.height(), image.width(), image.channels());
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
