package io.resflow.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a ResNet (v1/v2, basic/bottleneck) on Fashion-MNIST, an image folder or the retraining feed; evaluate and export it.")
final class TrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return NotYetAvailable.report(spec.commandLine(), "the model-trainer issue (#3)");
    }
}
