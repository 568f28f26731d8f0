package io.purgeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.purgeline.bench.LocalStack;
import io.purgeline.bench.WorkerProcess;
import io.purgeline.testkit.FreePorts;
import io.purgeline.testkit.TestNamespace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The command line against purgeline as deployed: every worker its own process, one real Varnish edge with its agent,
 * and a node whose agent is absent. What an operator and a script see: output, JSON shapes and exit codes.
 */
class CliIT {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static LocalStack stack;
    private static String ingest;

    @BeforeAll
    static void startStack() throws Exception {
        stack = LocalStack.start(LocalStack.home(), ns.env(), Path.of("target", "cli-logs", ns.config().namespace()),
                1);
        stack.registerNode("edge-down", "127.0.1.99:" + FreePorts.on("127.0.1.99"));
        ingest = stack.ingestUrl();
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
    }

    private static String url(String name) {
        return "http://www.example.com/cli/" + name + "-" + UUID.randomUUID() + ".js";
    }

    @Test
    void submitWaitShowsEachTiersProgressAndExitsZeroWhenTheTaskCompletes() {
        Cli.Run run = Cli.against(ingest, "submit", "refresh", url("ok"), "--node", "edge-1", "--wait");

        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.lines().get(0)).matches("accepted task \\S+ on 1 node\\(s\\)");
        assertThat(run.lines()).contains("tier 2: 1/1 done");
        assertThat(run.lines().get(run.lines().size() - 1)).matches("task \\S+ completed: 1/1 done");
    }

    @Test
    void submitWaitExitsOneWhenTheTaskFailsAndNamesTheNodeAndWhy() {
        Cli.Run run = Cli.against(ingest, "submit", "refresh", url("down"), "--node", "edge-1", "--node",
                "edge-down", "--wait");

        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.TASK_FAILED);
        assertThat(run.lines()).contains("tier 2: 1/2 done, 1 failed");
        assertThat(run.lines()).anySatisfy(l -> assertThat(l).matches("task \\S+ failed: 1/2 done, 1 failed"));
        assertThat(run.lines()).anySatisfy(l -> assertThat(l)
                .startsWith("  edge-down (tier 2) failed after ").contains("unreachable"));
    }

    @Test
    void jsonShapesAreTheApisRecords() {
        String taskId = "cli-json-" + UUID.randomUUID();
        JsonObject accepted = json(Cli.against(ingest, "submit", "refresh", url("json"), "--node", "edge-1",
                "--task-id", taskId, "--json"));
        JsonObject done = json(Cli.against(ingest, "submit", "refresh", url("json2"), "--node", "edge-1", "--wait",
                "--json"));
        JsonObject status = json(Cli.against(ingest, "status", done.get("task_id").getAsString(), "--json"));
        JsonObject tasks = json(Cli.against(ingest, "tasks", "--api-id", LocalStack.CUSTOMER, "--limit", "1", "--json"));
        JsonObject nodes = json(Cli.against(ingest, "nodes", "list", "--json"));

        assertThat(accepted.keySet()).containsExactlyInAnyOrder("task_id", "state", "total");
        assertThat(accepted.get("task_id").getAsString()).isEqualTo(LocalStack.CUSTOMER + ":" + taskId);
        assertThat(done.get("state").getAsString()).isEqualTo("completed");
        assertThat(done.keySet()).contains("task_id", "api_id", "type", "state", "total", "done", "failed",
                "expired", "targets", "accepted_at", "nodes");
        assertThat(status.getAsJsonArray("nodes").get(0).getAsJsonObject().keySet())
                .contains("node_id", "subtask_id", "tier", "state", "attempts");
        assertThat(tasks.getAsJsonArray("tasks")).hasSize(1);
        assertThat(tasks.getAsJsonArray("tasks").get(0).getAsJsonObject().keySet())
                .contains("task_id", "api_id", "state", "total", "done", "accepted_at");
        assertThat(nodes.getAsJsonArray("nodes")).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void anUnknownTaskExitsThreeAndSaysSo() {
        Cli.Run text = Cli.against(ingest, "status", "no-such-task");
        Cli.Run json = Cli.against(ingest, "status", "no-such-task", "--json");

        assertThat(text.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(text.err()).isEqualTo("purgeline: no task 'no-such-task'" + System.lineSeparator());
        assertThat(json.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(json.out().strip()).isEqualTo("{\"error\":\"not_found\",\"message\":\"no task 'no-such-task'\"}");
    }

    @Test
    void badInputExitsTwoWithTheReason() {
        Cli.Run refused = Cli.against(ingest, "submit", "refresh", "ftp://example.com/a", "--json");
        Cli.Run unknownType = Cli.against(ingest, "submit", "purge-everything", "x");
        Cli.Run noTargets = Cli.against(ingest, "submit", "refresh");

        assertThat(refused.exit()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(json(refused).get("error").getAsString()).isEqualTo("invalid");
        assertThat(json(refused).get("message").getAsString()).contains("'ftp://example.com/a' is not an http(s) URL");
        assertThat(unknownType.exit()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(unknownType.err()).startsWith("unknown type 'purge-everything'");
        assertThat(noTargets.exit()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(noTargets.err()).startsWith("Missing required parameter: 'TARGET'");
    }

    @Test
    void withNothingRunningItSaysWhatToStartAndExitsFour() throws Exception {
        String nowhere = "http://127.0.0.1:" + FreePorts.any();

        Cli.Run run = Cli.against(nowhere, "status", "t-1");
        Cli.Run stats = Cli.run("stats", "ingest", "--ingest-url", nowhere, "--json");

        assertThat(run.exit()).isEqualTo(ExitCodes.NOT_RUNNING);
        assertThat(run.err()).isEqualTo("purgeline: nothing answers at " + nowhere + " (ingest-worker). Start "
                + "purgeline on this machine with `bin/purgeline up`, or point PURGELINE_INGEST_URL (or --ingest-url) "
                + "at a running ingest-worker." + System.lineSeparator());
        assertThat(stats.exit()).isEqualTo(ExitCodes.NOT_RUNNING);
        assertThat(json(stats).getAsJsonObject("ingest").get("error").getAsString()).isEqualTo("not_running");
    }

    @Test
    void nodesAreAddedDrainedAndRemoved() {
        Cli.Run added = Cli.against(ingest, "nodes", "add", "edge-cli", "127.0.1.98:8090", "--tier", "1",
                "--region", "eu");
        Cli.Run drained = Cli.against(ingest, "nodes", "drain", "edge-cli", "--json");
        Cli.Run listed = Cli.against(ingest, "nodes", "list");
        Cli.Run refused = Cli.against(ingest, "submit", "refresh", url("drained"), "--node", "edge-cli");
        Cli.Run removed = Cli.against(ingest, "nodes", "remove", "edge-cli");
        Cli.Run again = Cli.against(ingest, "nodes", "remove", "edge-cli");

        assertThat(added.out()).isEqualTo("registered edge-cli at 127.0.1.98:8090 (tier 1, region eu), online"
                + System.lineSeparator());
        assertThat(json(drained).get("state").getAsString()).isEqualTo("drained");
        assertThat(listed.lines()).anySatisfy(l -> assertThat(l).startsWith("edge-cli ").endsWith(" drained"));
        assertThat(refused.exit()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(refused.err()).contains("no registered node matches the scope");
        assertThat(removed.exit()).isEqualTo(ExitCodes.OK);
        assertThat(again.exit()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void statsDeadLettersAndAlertsComeFromTheWorkers() {
        List<String> args = new ArrayList<>(List.of("stats", "--json"));
        for (WorkerProcess w : stack.workers()) {
            String key = w.name().substring(0, w.name().indexOf('-'));
            args.addAll(List.of("--url", key + "=" + w.baseUrl()));
        }
        Cli.Run stats = Cli.run(args.toArray(String[]::new));
        String alertUrl = stack.workers().stream().filter(w -> w.name().equals("alert-worker")).findFirst()
                .orElseThrow().baseUrl();
        Cli.Run dead = Cli.run("dead", "list", "--alert-url", alertUrl, "--json");
        Cli.Run unknownArea = Cli.run("dead", "list", "nowhere", "--alert-url", alertUrl);
        Cli.Run alerts = Cli.run("alerts", "--alert-url", alertUrl, "--limit", "5", "--json");
        Cli.Run badAlerts = Cli.run("alerts", "--alert-url", alertUrl, "--since", "yesterday");
        Cli.Run replay = Cli.run("dead", "replay", "ingest", "--alert-url", alertUrl, "--json");
        Cli.Run drop = Cli.run("dead", "drop", "dispatch", "no-such-message", "--alert-url", alertUrl);

        assertThat(stats.exit()).as(stats.err()).isEqualTo(ExitCodes.OK);
        assertThat(json(stats).keySet()).containsExactly("ingest", "dispatch", "callback", "saver", "alert");
        assertThat(json(stats).getAsJsonObject("ingest").has("accepted")).isTrue();
        assertThat(json(dead).getAsJsonObject("depths").keySet())
                .containsExactlyInAnyOrder("ingest", "dispatch", "saves", "alerts");
        assertThat(unknownArea.exit()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(replay.out().strip()).isEqualTo("{\"replayed\":0,\"kept\":0}");
        assertThat(alerts.exit()).as(alerts.err()).isEqualTo(ExitCodes.OK);
        assertThat(json(alerts).has("alerts")).isTrue();
        assertThat(badAlerts.exit()).isEqualTo(ExitCodes.BAD_INPUT);
        assertThat(drop.out().strip()).isEqualTo("dropped 0");
    }

    @Test
    void anOperatorAddsACustomerAndAKeyAndTheCustomerSubmitsSignedWithItUntilItIsRevoked() throws Exception {
        Cli.Run added = Cli.against(ingest, "customers", "add", "cli-co", "CLI Co", "--domain", "*.example.com",
                "--json");
        JsonObject key = json(Cli.against(ingest, "customers", "key", "cli-co", "--json"));
        String accessKey = key.get("access_key").getAsString();
        String secret = key.get("secret").getAsString();
        Cli.Run shown = Cli.against(ingest, "customers", "show", "cli-co");

        // The secret comes from the environment only: the command line as a process of its own, as a customer runs it.
        Process ok = customer(accessKey, secret, "submit", "refresh", url("customer"), "--node", "edge-1", "--wait",
                "--json");
        Process foreign = customer(accessKey, secret, "submit", "refresh", "http://www.other.org/a.js", "--json");
        assertThat(ok.waitFor()).as(new String(ok.getErrorStream().readAllBytes())).isEqualTo(ExitCodes.OK);
        JsonObject done = JsonParser.parseString(new String(ok.getInputStream().readAllBytes())).getAsJsonObject();
        assertThat(foreign.waitFor()).isEqualTo(ExitCodes.REFUSED);
        String refusal = new String(foreign.getInputStream().readAllBytes());
        Cli.Run revoked = Cli.against(ingest, "customers", "revoke", "cli-co", accessKey);
        Process afterRevoke = customer(accessKey, secret, "submit", "refresh", url("revoked"), "--node", "edge-1");

        assertThat(added.exit()).as(added.err()).isEqualTo(ExitCodes.OK);
        assertThat(json(added).get("api_id").getAsString()).isEqualTo("cli-co");
        assertThat(accessKey).isNotBlank();
        assertThat(shown.lines()).contains("cli-co (CLI Co), active", "  domains: *.example.com");
        assertThat(shown.lines()).anySatisfy(l -> assertThat(l).startsWith("  key " + accessKey + " active"));
        assertThat(shown.out()).doesNotContain(secret);
        assertThat(done.get("task_id").getAsString()).startsWith("cli-co:");
        assertThat(done.get("state").getAsString()).isEqualTo("completed");
        assertThat(refusal).contains("foreign_domain").contains("www.other.org");
        assertThat(revoked.exit()).isEqualTo(ExitCodes.OK);
        assertThat(afterRevoke.waitFor()).isEqualTo(ExitCodes.REFUSED);
    }

    /** bin/purgeline as a customer runs it: its key and secret in the environment, no admin key. */
    private static Process customer(String accessKey, String secret, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Home.java(), "-jar", Home.jar("cli").toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--ingest-url", ingest));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("PURGELINE_DEV");
        pb.environment().remove("PURGELINE_API_ID");
        pb.environment().put("PURGELINE_ACCESS_KEY", accessKey);
        pb.environment().put("PURGELINE_SECRET_KEY", secret);
        return pb.start();
    }

    private static JsonObject json(Cli.Run run) {
        return JsonParser.parseString(run.out()).getAsJsonObject();
    }
}
