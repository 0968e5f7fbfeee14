package io.resflow.pipeline.records;

/**
 * One version of a model, where its SavedModel folder is: what a frame is scored with.
 *
 * @param location the SavedModel folder as a Flink file-system URI or a local path
 */
public record ModelVersion(String name, String version, String location)
        implements java.io.Serializable {

    @Override
    public String toString() {
        return name + ":" + version;
    }
}
