package io.resflow.cli;

import io.resflow.datasets.FashionMnist;
import io.resflow.runtime.metadata.ModelMetadata;
import java.io.IOException;
import java.nio.file.Path;

/** The demo's model: the SavedModel at the given path, trained quickly first when it is missing. */
final class DemoModel {

    private DemoModel() {}

    static ModelMetadata ensure(Path savedModel, FashionMnist mnist) throws IOException {
        if (!DemoCommand.exists(savedModel)) {
            throw new IOException("no SavedModel at " + savedModel + "; quick training arrives with the trainer CLI");
        }
        return ModelMetadata.read(savedModel);
    }
}
