package io.purgeline.callback;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.contracts.Items;
import io.purgeline.contracts.AgentCallback;
import io.purgeline.contracts.Alert;
import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.Lane;
import io.purgeline.contracts.NodeKeys;
import io.purgeline.contracts.SaveBatch;
import io.purgeline.contracts.Signatures;
import io.purgeline.contracts.SubtaskOutcome;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.SubtaskResult;
import io.purgeline.contracts.SubtaskState;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import io.purgeline.runtime.InflightDeliveries;
import io.purgeline.testkit.SaveParts;
import io.purgeline.testkit.SignedHttp;
import io.purgeline.testkit.Tap;
import io.purgeline.testkit.TestNamespace;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xerial.snappy.Snappy;

class AgentCallbackTest {
    private static final String MASTER = "callback-test-master";
    /** The master being rotated out: still accepted. */
    private static final String OLD_MASTER = "callback-test-old-master";
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static final Codec codec = Codec.standard();
    private static CallbackWorker worker;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> env = new HashMap<>(ns.env());
        env.put("PURGELINE_HTTP_PORT", "0");
        env.put("PURGELINE_AGENT_MASTER_KEYS", MASTER + "," + OLD_MASTER);
        worker = CallbackWorker.start(new io.purgeline.service.Env(env));
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    @Test
    void resultsOfOneTaskBecomeOneSaveWithTheNodeAndItsFirstFailure() throws Exception {
        String task = newTaskId();
        Instant started = Instant.parse("2026-01-02T03:04:05.100Z");
        Instant finished = Instant.parse("2026-01-02T03:04:06.200Z");
        SubtaskResult failed = result(task, "edge-1", SubtaskState.FAILED, List.of(
                new ItemResult("https://a.example/1", 200, 10, 3, null),
                new ItemResult("https://a.example/2", 503, 0, 7, "origin said 503"),
                new ItemResult("https://a.example/3", 504, 0, 9, "timeout")), started, finished);

        HttpResponse<String> reply = post("edge-1", json(new AgentCallback("edge-1", List.of(failed))), null);

        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(reply.body()).contains("\"accepted\":1");
        Tap.Seen seen = takeSaves(1).get(0);
        assertThat(seen.properties().getType()).isEqualTo(SubtaskOutcomes.MESSAGE_TYPE);
        assertThat(seen.properties().getCorrelationId()).isEqualTo(task);
        assertThat(seen.routingKey()).isEqualTo(ns.topology().savesQueue(ns.topology().savesPartition(task)));
        SubtaskOutcomes save = seen.as(codec, SubtaskOutcomes.class);
        assertThat(save.taskId()).isEqualTo(task);
        assertThat(save.outcomes()).containsExactly(new SubtaskOutcome(task + "@edge-1", "edge-1",
                SubtaskState.FAILED, 0, 503, "origin said 503", failed.items(), started, finished));
    }

    @Test
    void resultsOfSeveralTasksAreGroupedIntoOneSavePerTaskAndOneMessagePerPartition() throws Exception {
        String a = newTaskId();
        String b = newTaskId();
        List<ItemResult> ok = List.of(new ItemResult("https://a.example/x", 200, 5, 1, null),
                new ItemResult("https://a.example/y", 404, 0, 1, null));
        AgentCallback callback = new AgentCallback("edge-2", List.of(
                result(a, "edge-2", SubtaskState.DONE, ok, null, Instant.now()),
                result(b, "edge-2", SubtaskState.DONE, ok, null, Instant.now())));

        HttpResponse<String> reply = post("edge-2", json(callback), null);

        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(reply.body()).contains("\"accepted\":2");
        boolean onePartition = ns.topology().savesPartition(a) == ns.topology().savesPartition(b);
        List<Tap.Seen> messages = takeSaves(onePartition ? 1 : 2);
        assertThat(messages).extracting(m -> m.properties().getType()).containsOnly(onePartition
                ? SaveBatch.MESSAGE_TYPE : SubtaskOutcomes.MESSAGE_TYPE);
        List<SubtaskOutcomes> saves = messages.stream().flatMap(m -> SaveParts.of(codec, m).outcomes().stream())
                .toList();
        assertThat(saves).extracting(SubtaskOutcomes::taskId).containsExactlyInAnyOrder(a, b);
        assertThat(saves).allSatisfy(s -> {
            assertThat(s.outcomes()).hasSize(1);
            SubtaskOutcome o = s.outcomes().get(0);
            assertThat(o.state()).isEqualTo(SubtaskState.DONE);
            assertThat(o.httpCode()).as("the last item's code when nothing failed").isEqualTo(404);
            assertThat(o.error()).isNull();
            assertThat(o.attempts()).isZero();
        });
    }

    @Test
    void aSavedResultEndsItsSubtaskInFlightTimer() throws Exception {
        String task = newTaskId();
        String subtask = task + "@edge-8";
        InflightDeliveries inflight = new InflightDeliveries(ns.redis(), ns.keys(), codec);
        Assignment assignment = new Assignment(subtask, "edge-8", "127.0.0.1:1", 1);
        inflight.record(new DispatchMessage(task, "customer-1", TaskType.REFRESH, List.of("https://a.example/1"),
                TaskOptions.NONE, 5, Lane.FAST, Instant.now().plusSeconds(600), List.of(assignment)),
                List.of(assignment), System.currentTimeMillis() + 30_000);
        assertThat(inflight.dueMillis(subtask)).isNotNull();

        HttpResponse<String> reply = post("edge-8", json(new AgentCallback("edge-8", List.of(
                result(task, "edge-8", SubtaskState.DONE, List.of(), null, Instant.now())))), null);

        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(takeSaves(1).get(0).properties().getCorrelationId()).isEqualTo(task);
        assertThat(inflight.dueMillis(subtask)).isNull();
        assertThat(ns.redis().hget(ns.keys().inflightDeliveries(), subtask)).isNull();
    }

    @Test
    void aSnappyCompressedCallbackIsAccepted() throws Exception {
        String task = newTaskId();
        AgentCallback callback = new AgentCallback("edge-3", List.of(result(task, "edge-3", SubtaskState.DONE,
                List.of(new ItemResult("https://a.example/z", 200, 1, 1, null)), null, Instant.now())));

        HttpResponse<String> reply = post("edge-3", Snappy.compress(json(callback)), "snappy");

        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(takeSaves(1).get(0).as(codec, SubtaskOutcomes.class).taskId()).isEqualTo(task);
    }

    @Test
    void aForgedTokenIsRefusedAndNothingOfTheCallbackIsPublished() throws Exception {
        String good = newTaskId();
        String bad = newTaskId();
        SubtaskResult genuine = result(good, "edge-4", SubtaskState.DONE, List.of(), null, Instant.now());
        SubtaskResult forged = new SubtaskResult(bad + "@edge-4", bad,
                Signatures.callbackToken(nodeKey("edge-5"), bad + "@edge-4"), SubtaskState.DONE, Items.NONE, null,
                Instant.now());
        long before = savesDepth();

        try (Tap alerts = ns.tap(ns.topology().alertsExchange(), "#")) {
            HttpResponse<String> reply = post("edge-4", json(new AgentCallback("edge-4", List.of(genuine, forged))),
                    null);

            assertThat(reply.statusCode()).isEqualTo(403);
            assertThat(reply.body()).contains("forged_token").contains(bad + "@edge-4");
            Alert alert = alerts.await(Alert.CRITICAL + ".forged_callback", Alert.class,
                    a -> (bad + "@edge-4").equals(a.details().get("subtask_id")), PATIENCE);
            assertThat(alert.nodeId()).isEqualTo("edge-4");
        }
        assertThat(savesDepth()).isEqualTo(before);
    }

    @Test
    void aBodyThatIsNotJsonIsRefusedWith400() throws Exception {
        HttpResponse<String> reply = post("edge-1", "{not json".getBytes(StandardCharsets.UTF_8), null);

        assertThat(reply.statusCode()).isEqualTo(400);
        assertThat(reply.body()).contains("bad_body").contains("AgentCallback");
    }

    @Test
    void aResultWithoutStateIsRefusedWith400NamingTheField() throws Exception {
        String task = newTaskId();
        String body = "{\"node_id\":\"edge-5\",\"results\":[{\"subtask_id\":\"" + task + "@edge-5\",\"task_id\":\""
                + task + "\",\"callback_token\":\"" + Signatures.callbackToken(nodeKey("edge-5"), task + "@edge-5") + "\"}]}";
        long before = savesDepth();

        HttpResponse<String> reply = post("edge-5", body.getBytes(StandardCharsets.UTF_8), null);

        assertThat(reply.statusCode()).isEqualTo(400);
        assertThat(reply.body()).contains("results[0].state");
        assertThat(savesDepth()).isEqualTo(before);
    }

    @Test
    void aCallbackWithoutNodeIdIsRefusedWith400() throws Exception {
        HttpResponse<String> reply = post("edge-1", "{\"results\":[]}".getBytes(StandardCharsets.UTF_8), null);

        assertThat(reply.statusCode()).isEqualTo(400);
        assertThat(reply.body()).contains("node_id");
    }

    @Test
    void aResultForAnotherNodesSubtaskIsRefusedWith400() throws Exception {
        String task = newTaskId();
        SubtaskResult other = result(task, "edge-7", SubtaskState.DONE, List.of(), null, Instant.now());

        HttpResponse<String> reply = post("edge-6", json(new AgentCallback("edge-6", List.of(other))), null);

        assertThat(reply.statusCode()).isEqualTo(400);
        assertThat(reply.body()).contains(task + "@edge-6");
    }

    @Test
    void anUnsignedCallbackIsRefusedWith401AndNothingIsPublished() throws Exception {
        String task = newTaskId();
        long before = savesDepth();

        HttpResponse<String> reply = as("edge-1").unsigned("POST", "/v1/agent/callback", new String(json(
                new AgentCallback("edge-1", List.of(result(task, "edge-1", SubtaskState.DONE, List.of(), null,
                        Instant.now())))), StandardCharsets.UTF_8));

        assertThat(reply.statusCode()).isEqualTo(401);
        assertThat(reply.body()).contains("unsigned");
        assertThat(savesDepth()).isEqualTo(before);
    }

    @Test
    void aCallbackSignedWithAnotherKeyThanTheNodesIsRefusedWith401() throws Exception {
        String task = newTaskId();
        byte[] body = json(new AgentCallback("edge-1", List.of(result(task, "edge-1", SubtaskState.DONE, List.of(),
                null, Instant.now()))));

        HttpResponse<String> fleetSecret = as("edge-1").as("edge-1", "purgeline-dev-agent-secret")
                .send("POST", "/v1/agent/callback", body, Map.of());

        assertThat(fleetSecret.statusCode()).isEqualTo(401);
        assertThat(fleetSecret.body()).contains("bad_signature");
    }

    @Test
    void aNodeCannotReportForAnotherNodeEvenWithTheOtherNodesTokens() throws Exception {
        String task = newTaskId();
        long before = savesDepth();
        byte[] body = json(new AgentCallback("edge-1", List.of(result(task, "edge-1", SubtaskState.DONE, List.of(),
                null, Instant.now()))));

        HttpResponse<String> reply = as("edge-9").send("POST", "/v1/agent/callback", body, Map.of());

        assertThat(reply.statusCode()).isEqualTo(403);
        assertThat(reply.body()).contains("wrong_node").contains("edge-9").contains("edge-1");
        assertThat(savesDepth()).isEqualTo(before);
    }

    @Test
    void aLateCallbackOutsideTheClockWindowIsRefused() throws Exception {
        String task = newTaskId();
        byte[] body = json(new AgentCallback("edge-1", List.of(result(task, "edge-1", SubtaskState.DONE, List.of(),
                null, Instant.now()))));

        HttpResponse<String> reply = as("edge-1").at(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-5)))
                .send("POST", "/v1/agent/callback", body, Map.of());

        assertThat(reply.statusCode()).isEqualTo(401);
        assertThat(reply.body()).contains("stale_timestamp");
    }

    @Test
    void aReplayedCallbackIsRefusedAndTheGenuineOneWasSavedOnce() throws Exception {
        String task = newTaskId();
        HttpRequest once = request(as("edge-1"), json(new AgentCallback("edge-1", List.of(result(task, "edge-1",
                SubtaskState.DONE, List.of(), null, Instant.now())))), null);

        HttpResponse<String> first = as("edge-1").send(once);
        HttpResponse<String> again = as("edge-1").send(once);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(again.body()).contains("replay");
        assertThat(takeSaves(1).get(0).properties().getCorrelationId()).isEqualTo(task);
    }

    @Test
    void aCallbackSignedWithTheKeyOfTheMasterBeingRotatedOutIsAccepted() throws Exception {
        String task = newTaskId();
        String oldKey = NodeKeys.derive(OLD_MASTER, "edge-1");
        SubtaskResult r = new SubtaskResult(task + "@edge-1", task, Signatures.callbackToken(oldKey, task + "@edge-1"),
                SubtaskState.DONE, Items.NONE, null, Instant.now());

        HttpResponse<String> reply = as("edge-1").as("edge-1", oldKey).send("POST", "/v1/agent/callback",
                json(new AgentCallback("edge-1", List.of(r))), Map.of());

        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(takeSaves(1).get(0).properties().getCorrelationId()).isEqualTo(task);
    }

    @Test
    void refusalsAreCountedByReasonAndTheWorkerStillTakesGenuineCallbacks() throws Exception {
        as("edge-1").unsigned("POST", "/v1/agent/callback", "{}");
        as("edge-1").as("edge-1", "wrong").send("POST", "/v1/agent/callback", "{}".getBytes(StandardCharsets.UTF_8),
                Map.of());
        String task = newTaskId();

        HttpResponse<String> genuine = post("edge-2", json(new AgentCallback("edge-2", List.of(result(task, "edge-2",
                SubtaskState.DONE, List.of(), null, Instant.now())))), null);

        assertThat(genuine.statusCode()).isEqualTo(200);
        assertThat(takeSaves(1).get(0).properties().getCorrelationId()).isEqualTo(task);
        assertThat(as("edge-1").unsigned("GET", "/metrics", null).body())
                .contains("purgeline_refused_total{reason=\"unsigned\"")
                .contains("purgeline_refused_total{reason=\"bad_signature\"");
    }

    private static SubtaskResult result(String task, String node, SubtaskState state, List<ItemResult> items,
            Instant started, Instant finished) {
        String subtask = task + "@" + node;
        return new SubtaskResult(subtask, task, Signatures.callbackToken(nodeKey(node), subtask), state, Items.of(items),
                started, finished);
    }

    private static String nodeKey(String node) {
        return NodeKeys.derive(MASTER, node);
    }

    private static SignedHttp as(String node) {
        return new SignedHttp("http://127.0.0.1:" + worker.port(), node, nodeKey(node));
    }

    private static String newTaskId() {
        return "task-" + UUID.randomUUID();
    }

    private static byte[] json(Object body) {
        return codec.toJson(body).getBytes(StandardCharsets.UTF_8);
    }

    /** Posts a callback signed by {@code node} with its own key, as its agent does. */
    private static HttpResponse<String> post(String node, byte[] body, String contentEncoding) throws Exception {
        return as(node).send(request(as(node), body, contentEncoding));
    }

    private static HttpRequest request(SignedHttp signer, byte[] body, String contentEncoding) {
        return signer.request("POST", "/v1/agent/callback", body, contentEncoding == null
                ? Map.of("Content-Type", "application/json")
                : Map.of("Content-Type", "application/json", "Content-Encoding", contentEncoding));
    }

    /** Reads the saves queues with a consumer of our own, as the saver would. */
    private static List<Tap.Seen> takeSaves(int count) {
        return ns.take(ns.topology().savesQueues(), count, PATIENCE);
    }

    private static long savesDepth() {
        return ns.topology().savesQueues().stream().mapToLong(ns::depth).sum();
    }
}
