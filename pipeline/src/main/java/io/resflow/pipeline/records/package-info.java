/**
 * The records the classification job moves between its operators, from the raw Kafka frame to its
 * prediction, dead letter or window statistics. Every other package of the pipeline imports them,
 * so they import nothing of the pipeline (only the schemas' enums): the data types sit at the
 * bottom.
 */
package io.resflow.pipeline.records;
