package io.purgeline.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "alerts", mixinStandardHelpOptions = true,
        description = "Recent alerts, newest first, from alert-worker's history (GET /v1/alerts).")
final class AlertsCommand extends ApiCommand {
    @Option(names = "--kind", description = "only this kind, e.g. node_offline")
    String kind;

    @Option(names = "--severity", description = "only this severity: info, warning, critical")
    String severity;

    @Option(names = "--subject", description = "only about this subject, e.g. a node id")
    String subject;

    @Option(names = "--since", paramLabel = "TIME", description = "only alerts received at or after this ISO-8601 time")
    String since;

    @Option(names = "--limit", defaultValue = "50", description = "alerts per page, 1-1000 (default ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--before", paramLabel = "ID", description = "the page after the one that printed this id")
    String before;

    @Override
    public Integer call() {
        List<String> query = new ArrayList<>();
        add(query, "kind", kind);
        add(query, "severity", severity);
        add(query, "subject", subject);
        add(query, "since", since);
        add(query, "before", before);
        add(query, "limit", Integer.toString(limit));
        ApiClient.Reply reply = common.alert().get("/v1/alerts?" + String.join("&", query));
        if (common.json) {
            common.printRaw(reply.body());
            return ExitCodes.OK;
        }
        JsonObject page = JsonParser.parseString(reply.body()).getAsJsonObject();
        if (page.getAsJsonArray("alerts").isEmpty()) {
            common.println("no alerts");
        }
        for (JsonElement a : page.getAsJsonArray("alerts")) {
            JsonObject o = a.getAsJsonObject();
            boolean repeat = o.has("notified") && !o.get("notified").getAsBoolean();
            common.println(String.format("%-24s %-8s %-20s %s: %s%s", text(o, "received_at"), text(o, "severity"),
                    text(o, "kind"), text(o, "subject"), text(o, "message"),
                    repeat ? " (repeat, counted into its window's summary)" : ""));
        }
        if (page.has("next") && !page.get("next").isJsonNull()) {
            common.println("next page: the same command with --before " + page.get("next").getAsString());
        }
        return ExitCodes.OK;
    }

    private static String text(JsonObject o, String field) {
        JsonElement e = o.get(field);
        return e == null || e.isJsonNull() ? "-" : e.getAsString();
    }

    private static void add(List<String> query, String name, String value) {
        if (value != null) {
            query.add(name + "=" + Paths.segment(value));
        }
    }
}
