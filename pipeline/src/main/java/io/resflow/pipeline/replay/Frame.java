package io.resflow.pipeline.replay;

import io.resflow.schema.ImageEncoding;

/** One image as a camera would send it: encoded bytes, claimed shape, and the true label if known. */
public record Frame(byte[] bytes, ImageEncoding encoding, int width, int height, int channels, Integer label) {}
