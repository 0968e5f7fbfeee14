package io.resflow.pipeline.classify.functions;

import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Watermarks for a stream without event time (the control topic) that joins the frames in a
 * two-input operator: it declares itself idle, so the operator's watermark is the frames' alone. A
 * record makes it active for a moment; the next periodic emit makes it idle again. Emitting the
 * largest watermark instead would let the frames' windows fire early whenever the frames go idle.
 */
public final class IdleWatermarks<T> implements WatermarkGenerator<T> {

    @Override
    public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        output.markIdle();
    }
}
