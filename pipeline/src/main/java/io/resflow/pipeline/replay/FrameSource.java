package io.resflow.pipeline.replay;

/** A finite, indexable collection of frames to replay. */
public interface FrameSource {

    int size();

    Frame frame(int index);

    /** For progress output, e.g. "fashion-mnist-test (PNG)". */
    String description();
}
