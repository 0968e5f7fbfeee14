package io.resflow.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "classify", mixinStandardHelpOptions = true, description = "Run the classification job against an external Kafka and a Flink cluster (or a local one).")
final class ClassifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return NotYetAvailable.report(spec.commandLine(), "the pipeline issue (#4)");
    }
}
