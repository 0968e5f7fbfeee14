/**
 * Training data: readers that turn Fashion-MNIST ({@code io.resflow.datasets}), image folders and
 * Avro files of labelled {@code ImageRecord}s into {@link io.resflow.datasets.LabelledImages}; the
 * per-channel normalisation computed from a training set; the paper's pad-crop-flip augmentation;
 * and the DJL dataset that feeds NCHW float32 batches to a trainer.
 */
package io.resflow.trainer.data;
