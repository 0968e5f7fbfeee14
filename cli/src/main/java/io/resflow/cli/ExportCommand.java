package io.resflow.cli;

import io.resflow.datasets.LabelledImages;
import io.resflow.trainer.export.ExportResult;
import io.resflow.trainer.run.RunDescription;
import io.resflow.trainer.run.RunExport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description =
                "Export a finished training run as a TensorFlow SavedModel (tag serve, signature"
                    + " serving_default, normalisation and softmax in the graph, metadata in"
                    + " assets/), loaded back with DJL's TensorFlow engine and compared with the"
                    + " PyTorch model by the parity gate (probabilities within 1e-4,"
                    + " log-probabilities within 1e-3, the same top class).")
final class ExportCommand implements Callable<Integer> {

    @Option(
            names = "--run",
            required = true,
            description = "The training run directory (with run.json and the final parameters).")
    Path run;

    @Option(
            names = "--output",
            required = true,
            description = "The SavedModel folder to create (must not exist).")
    Path output;

    @Option(names = "--model-version", description = "Version to stamp (default: the run's).")
    String version;

    @Option(
            names = "--data",
            defaultValue = "fashion-mnist-test",
            description =
                    "Held-out images for the parity gate: fashion-mnist-test, or a folder or"
                            + " avro:PATH as for train (default: ${DEFAULT-VALUE}).")
    String data;

    @Override
    public Integer call() throws Exception {
        RunDescription description = RunDescription.read(run);
        long[] shape = description.inputShape();
        // The parity gate compares two engines on the same images: whether they were trained on
        // does not matter.
        LabelledImages parity =
                TrainingData.heldOut(
                        data,
                        (int) shape[1],
                        (int) shape[2],
                        (int) shape[0],
                        description.classNames(),
                        0.1,
                        42);
        ExportResult result = RunExport.export(run, parity, version, output);
        System.out.println("Parity gate: " + result.parity().describe());
        System.out.println(
                "EXPORTED "
                        + result.directory()
                        + " ("
                        + result.metadata().name()
                        + " "
                        + result.metadata().version()
                        + ", "
                        + result.metadata().architecture()
                        + ")");
        return 0;
    }
}
