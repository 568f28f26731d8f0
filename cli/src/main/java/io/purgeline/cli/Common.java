package io.purgeline.cli;

import io.purgeline.contracts.Codec;
import io.purgeline.service.AdminKey;
import io.purgeline.service.Secrets;
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

    @Option(names = "--access-key", paramLabel = "KEY", defaultValue = "${env:PURGELINE_ACCESS_KEY}",
            description = "sign task requests as this customer's access key (its secret in $PURGELINE_SECRET_KEY); "
                    + "default $PURGELINE_ACCESS_KEY, else the admin key")
    String accessKey;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** Task routes: signed as the customer when a customer key is given, else as the operator. */
    ApiClient ingest() {
        return new ApiClient(ingestUrl, "ingest-worker", "PURGELINE_INGEST_URL (or --ingest-url)",
                accessKey != null ? customer() : admin());
    }

    /** Operators' routes of ingest-worker (nodes, customers): signed with the admin key. */
    ApiClient ingestAsAdmin() {
        return new ApiClient(ingestUrl, "ingest-worker", "PURGELINE_INGEST_URL (or --ingest-url)", admin());
    }

    /** alert-worker: dead letters need the admin key; its other routes ignore the signature. */
    ApiClient alert() {
        return new ApiClient(alertUrl, "alert-worker", "PURGELINE_ALERT_URL (or --alert-url)", admin());
    }

    private Credentials customer() {
        String secret = System.getenv("PURGELINE_SECRET_KEY");
        if (secret == null || secret.isEmpty()) {
            throw new CliException(ExitCodes.BAD_INPUT, "no_secret", "access key " + accessKey
                    + " given but PURGELINE_SECRET_KEY is not set (the secret is read from the environment only, "
                    + "never from the command line)");
        }
        return new Credentials(accessKey, secret);
    }

    /**
     * The admin key from {@code PURGELINE_ADMIN_KEY}; on a development machine ({@code PURGELINE_DEV=true}) its
     * published development value, as the workers accept it there; none otherwise (the request goes unsigned and the
     * answer says what to set).
     */
    private static Credentials admin() {
        String secret = System.getenv(AdminKey.VARIABLE);
        if ((secret == null || secret.isEmpty()) && "true".equalsIgnoreCase(System.getenv(Secrets.DEV))) {
            secret = AdminKey.DEV_SECRET;
        }
        return secret == null || secret.isEmpty() ? null : new Credentials(AdminKey.ACCESS_KEY, secret);
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
