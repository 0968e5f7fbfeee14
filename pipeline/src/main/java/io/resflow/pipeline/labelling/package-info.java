/**
 * From a frame's scores to its labels and where it goes next: the pure {@link
 * io.resflow.pipeline.labelling.Labeller} decides, the {@code route-predictions} operator ({@link
 * io.resflow.pipeline.labelling.RoutePredictions}) counts and emits, as {@code scoring} pairs its
 * {@code BatchScorer} with the async function around it.
 */
package io.resflow.pipeline.labelling;
