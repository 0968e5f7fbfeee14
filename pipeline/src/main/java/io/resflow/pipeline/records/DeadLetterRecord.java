package io.resflow.pipeline.records;

import io.resflow.schema.ErrorKind;

/**
 * Why a frame could not be labelled, with its original bytes; becomes an Avro {@code DeadLetter} on
 * the way out.
 */
public record DeadLetterRecord(
        String stage,
        ErrorKind errorKind,
        String message,
        long time,
        String imageId,
        RawFrame original) {}
