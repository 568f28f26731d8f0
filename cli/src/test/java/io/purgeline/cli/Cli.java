package io.purgeline.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine;

/** Runs the command line in this JVM, as bin/purgeline would, and keeps what it printed. */
final class Cli {
    record Run(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    private Cli() {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static Run against(String ingestUrl, String... args) {
        return run(Stream.concat(Stream.of(args), Stream.of("--ingest-url", ingestUrl)).toArray(String[]::new));
    }
}
