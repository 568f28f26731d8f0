package io.purgeline.cli;

import io.purgeline.contracts.Codec;
import java.io.PrintWriter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What every command that talks to purgeline shares: where the workers are, and text or JSON out. */
public final class Common {
    static final Codec JSON = new Codec(-1);

    @Option(names = "--json", description = "print JSON instead of text (errors too: {\"error\", \"message\"})")
    boolean json;

    @Option(names = "--ingest-url", paramLabel = "URL", defaultValue = "${env:PURGELINE_INGEST_URL:-http://127.0.0.1:8080}",
            description = "ingest-worker (tasks, nodes); default $PURGELINE_INGEST_URL or ${DEFAULT-VALUE}")
    String ingestUrl;

    @Option(names = "--alert-url", paramLabel = "URL", defaultValue = "${env:PURGELINE_ALERT_URL:-http://127.0.0.1:8084}",
            description = "alert-worker (dead letters); default $PURGELINE_ALERT_URL or ${DEFAULT-VALUE}")
    String alertUrl;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    ApiClient ingest() {
        return new ApiClient(ingestUrl, "ingest-worker", "PURGELINE_INGEST_URL (or --ingest-url)");
    }

    ApiClient alert() {
        return new ApiClient(alertUrl, "alert-worker", "PURGELINE_ALERT_URL (or --alert-url)");
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** One compact JSON document on one line, in the API's conventions (snake_case, RFC 3339). */
    void printJson(Object value) {
        out().println(JSON.toJson(value));
        out().flush();
    }

    /** A body the worker sent, passed on as it is. */
    void printRaw(String json) {
        out().println(json.strip());
        out().flush();
    }

    void println(String line) {
        out().println(line);
        out().flush();
    }
}
