package io.resflow.pipeline.replay;

import io.resflow.datasets.LabelledImages;
import io.resflow.runtime.images.ImageCodec;
import io.resflow.runtime.images.ImageFormat;
import io.resflow.runtime.images.Pixels;
import io.resflow.schema.ImageEncoding;

/** Frames from an in-memory labelled dataset (e.g. Fashion-MNIST), encoded as the caller asks. */
public final class DatasetFrames implements FrameSource {

    private static final float JPEG_QUALITY = 0.95f;

    private final LabelledImages images;
    private final ImageEncoding encoding;

    public DatasetFrames(LabelledImages images, ImageEncoding encoding) {
        this.images = images;
        this.encoding = encoding;
    }

    @Override
    public int size() {
        return images.size();
    }

    @Override
    public Frame frame(int index) {
        byte[] pixels = images.image(index);
        byte[] encoded =
                encoding == ImageEncoding.RAW_U8
                        ? pixels
                        : ImageCodec.encode(
                                new Pixels(images.shape(), pixels),
                                ImageFormat.valueOf(encoding.name()),
                                JPEG_QUALITY);
        return new Frame(
                encoded,
                encoding,
                images.shape().width(),
                images.shape().height(),
                images.shape().channels(),
                images.label(index));
    }

    @Override
    public String description() {
        return images.name() + " (" + encoding + ")";
    }
}
