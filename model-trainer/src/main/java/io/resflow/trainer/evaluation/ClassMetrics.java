package io.resflow.trainer.evaluation;

/**
 * One class's scores in a {@link ClassificationReport}.
 *
 * @param support how many test examples belong to the class
 */
public record ClassMetrics(
        int index, String name, double precision, double recall, double f1, long support) {}
