package io.resflow.cli;

import picocli.CommandLine;

/** For sub-commands whose implementation lands with a later issue: say which, and fail. */
final class NotYetAvailable {

    private NotYetAvailable() {}

    static int report(CommandLine commandLine, String arrivesWith) {
        commandLine.getErr().println(commandLine.getColorScheme().errorText(
                "resflow " + commandLine.getCommandName() + " is not available in this build yet: it arrives with "
                        + arrivesWith + "."));
        return 2;
    }
}
