package io.purgeline.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.purgeline.contracts.ErrorBody;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "stats", mixinStandardHelpOptions = true,
        description = {"Every worker's /stats: totals, rates over 1, 5 and 15 minutes, queue depths, work in flight.",
                "Exit code 4 when no worker answers; workers that do not answer are shown as not running."})
final class StatsCommand extends ApiCommand {
    @Parameters(arity = "0..*", paramLabel = "WORKER",
            description = "ingest, dispatch, callback, saver, alert (default: all)")
    List<String> names;

    @Option(names = "--url", paramLabel = "WORKER=URL", description = "where a worker answers (default: "
            + "$PURGELINE_<WORKER>_URL, else its documented port on 127.0.0.1; ingest and alert: --ingest-url, "
            + "--alert-url)")
    Map<String, String> urls = new LinkedHashMap<>();

    @Override
    public Integer call() {
        Map<String, Object> all = new LinkedHashMap<>();
        int answered = 0;
        for (Worker w : selected()) {
            ApiClient client = new ApiClient(url(w), w.module, w.urlVariable() + " (or --url " + w.key + "=URL)");
            try {
                JsonObject stats = JsonParser.parseString(client.get("/stats").body()).getAsJsonObject();
                answered++;
                all.put(w.key, stats);
                if (!common.json) {
                    common.println(w.module + " at " + client.baseUrl());
                    flatten("", stats, common);
                }
            } catch (CliException e) {
                all.put(w.key, new ErrorBody(e.error(), e.getMessage()));
                if (!common.json) {
                    common.println(w.module + " at " + client.baseUrl() + ": " + e.getMessage());
                }
            }
        }
        if (common.json) {
            common.printJson(all);
        }
        return answered > 0 ? ExitCodes.OK : ExitCodes.NOT_RUNNING;
    }

    private List<Worker> selected() {
        if (names == null || names.isEmpty()) {
            return List.of(Worker.INGEST, Worker.DISPATCH, Worker.CALLBACK, Worker.SAVER, Worker.ALERT);
        }
        List<Worker> out = new ArrayList<>();
        for (String n : names) {
            out.add(Arrays.stream(Worker.values()).filter(w -> w.key.equals(n)).findFirst()
                    .orElseThrow(() -> new CliException(ExitCodes.BAD_INPUT, "invalid", "unknown worker '" + n
                            + "' (ingest, dispatch, callback, saver, alert)")));
        }
        return out;
    }

    private String url(Worker w) {
        String given = urls.get(w.key);
        if (given != null) {
            return given;
        }
        if (w == Worker.INGEST) {
            return common.ingestUrl;
        }
        if (w == Worker.ALERT) {
            return common.alertUrl;
        }
        String fromEnv = System.getenv(w.urlVariable());
        return fromEnv == null || fromEnv.isBlank() ? w.defaultUrl() : fromEnv;
    }

    /** Nested figures as dotted names, one a line: {@code rates.http.m1: 0.5}. */
    private static void flatten(String prefix, JsonObject o, Common out) {
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            String name = prefix + e.getKey();
            if (e.getValue().isJsonObject()) {
                flatten(name + ".", e.getValue().getAsJsonObject(), out);
            } else {
                out.println("  " + name + ": " + (e.getValue().isJsonPrimitive() ? e.getValue().getAsString()
                        : e.getValue().toString()));
            }
        }
    }
}
