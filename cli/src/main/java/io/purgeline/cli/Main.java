package io.purgeline.cli;

import io.purgeline.contracts.ErrorBody;
import java.io.PrintWriter;
import picocli.CommandLine;

/** {@code bin/purgeline}: purgeline's command line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling; tests give it their own output writers. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new PurgelineCommand());
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            if (!(e instanceof CliException failure)) {
                throw e;
            }
            if (command.getCommand() instanceof ApiCommand api && api.common.json) {
                PrintWriter out = command.getOut();
                out.println(Common.JSON.toJson(new ErrorBody(failure.error(), failure.getMessage())));
                out.flush();
            }
            command.getErr().println("purgeline: " + failure.getMessage());
            command.getErr().flush();
            return failure.exitCode();
        });
        return cli;
    }
}
