package io.resflow.trainer.export;

import io.resflow.runtime.metadata.ModelMetadata;
import java.nio.file.Path;

/**
 * A SavedModel that passed the parity gate.
 *
 * @param directory the SavedModel folder
 * @param metadata what was written to its {@code assets/resflow-model.json}
 * @param parity how closely it reproduces the trained model
 */
public record ExportResult(Path directory, ModelMetadata metadata, ParityResult parity) {}
