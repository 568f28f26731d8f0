package io.purgeline.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "dead", mixinStandardHelpOptions = true,
        description = "Messages parked in the dead-letter queues (alert-worker); areas: ingest, dispatch, saves, alerts.",
        subcommands = {DeadCommand.ListDead.class, DeadCommand.Replay.class, DeadCommand.Drop.class})
final class DeadCommand {
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Without AREA, the depth of every dead-letter queue; with it, its oldest messages.")
    static final class ListDead extends ApiCommand {
        @Parameters(arity = "0..1", paramLabel = "AREA")
        String area;

        @Option(names = "--limit", defaultValue = "50", description = "messages shown, 1-1000 (default ${DEFAULT-VALUE})")
        int limit;

        @Override
        public Integer call() {
            ApiClient alert = common.alert();
            ApiClient.Reply reply = area == null ? alert.get("/v1/dead")
                    : alert.get("/v1/dead/" + Paths.segment(area) + "?limit=" + limit);
            if (common.json) {
                common.printRaw(reply.body());
                return ExitCodes.OK;
            }
            JsonObject body = JsonParser.parseString(reply.body()).getAsJsonObject();
            if (area == null) {
                for (Map.Entry<String, JsonElement> e : body.getAsJsonObject("depths").entrySet()) {
                    common.println(String.format("%-10s %s", e.getKey(), e.getValue().getAsLong()));
                }
                return ExitCodes.OK;
            }
            var messages = body.getAsJsonArray("messages");
            if (messages.isEmpty()) {
                common.println("nothing parked in " + area);
            }
            for (JsonElement m : messages) {
                JsonObject o = m.getAsJsonObject();
                common.println(text(o, "message_id") + "  from " + text(o, "source") + " at " + text(o, "timestamp"));
                common.println("  reason: " + text(o, "reason"));
                common.println("  body:   " + text(o, "body"));
            }
            return ExitCodes.OK;
        }

        private static String text(JsonObject o, String field) {
            JsonElement e = o.get(field);
            return e == null || e.isJsonNull() ? "-" : e.isJsonPrimitive() ? e.getAsString() : e.toString();
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Put parked messages back on the queue they came from (all of AREA without MESSAGE_ID).")
    static final class Replay extends ApiCommand {
        @Parameters(index = "0", paramLabel = "AREA")
        String area;

        @Parameters(index = "1", arity = "0..1", paramLabel = "MESSAGE_ID")
        String messageId;

        @Override
        public Integer call() {
            ApiClient.Reply reply = common.alert().post(path(area, "replay", messageId), null);
            if (common.json) {
                common.printRaw(reply.body());
            } else {
                JsonObject o = JsonParser.parseString(reply.body()).getAsJsonObject();
                common.println("replayed " + o.get("replayed").getAsLong() + ", kept " + o.get("kept").getAsLong()
                        + " (a kept message has no queue to go back to)");
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "drop", mixinStandardHelpOptions = true,
            description = "Remove parked messages for good (all of AREA without MESSAGE_ID).")
    static final class Drop extends ApiCommand {
        @Parameters(index = "0", paramLabel = "AREA")
        String area;

        @Parameters(index = "1", arity = "0..1", paramLabel = "MESSAGE_ID")
        String messageId;

        @Override
        public Integer call() {
            ApiClient.Reply reply = common.alert().post(path(area, "drop", messageId), null);
            if (common.json) {
                common.printRaw(reply.body());
            } else {
                common.println("dropped " + JsonParser.parseString(reply.body()).getAsJsonObject().get("dropped")
                        .getAsLong());
            }
            return ExitCodes.OK;
        }
    }

    private static String path(String area, String action, String messageId) {
        return "/v1/dead/" + Paths.segment(area) + "/" + action
                + (messageId == null ? "" : "?message_id=" + Paths.segment(messageId));
    }
}
