package io.resflow.pipeline.replay;

import java.util.ArrayList;
import java.util.List;

/**
 * Frames encoded once, up front, and then served from memory. Real cameras encode on their own
 * hardware; a simulator that encodes each frame as it sends spends the CPU the pipeline under test
 * shares with it, which matters at hundreds of frames a second on a small machine.
 */
public final class PreEncodedFrames implements FrameSource {

    private final List<Frame> frames;
    private final String description;

    private PreEncodedFrames(List<Frame> frames, String description) {
        this.frames = frames;
        this.description = description;
    }

    /** Encodes every frame of {@code source} now (a few MB for 10,000 Fashion-MNIST PNGs). */
    public static PreEncodedFrames of(FrameSource source) {
        List<Frame> frames = new ArrayList<>(source.size());
        for (int i = 0; i < source.size(); i++) {
            frames.add(source.frame(i));
        }
        return new PreEncodedFrames(List.copyOf(frames), source.description());
    }

    @Override
    public int size() {
        return frames.size();
    }

    @Override
    public Frame frame(int index) {
        return frames.get(index);
    }

    @Override
    public String description() {
        return description;
    }
}
