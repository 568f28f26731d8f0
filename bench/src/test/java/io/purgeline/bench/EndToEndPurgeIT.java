package io.purgeline.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.purgeline.contracts.Alert;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.ErrorBody;
import io.purgeline.contracts.TaskAccepted;
import io.purgeline.contracts.TaskEvent;
import io.purgeline.contracts.TaskStatus;
import io.purgeline.runtime.Topology;
import io.purgeline.testkit.FreePorts;
import io.purgeline.testkit.Tap;
import io.purgeline.testkit.TestNamespace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * purgeline as deployed: every worker its own process, two real Varnish caches with agents on their own loopback
 * addresses, and an upstream that publishes tasks over AMQP and listens for events.
 */
class EndToEndPurgeIT {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static final Codec codec = Codec.standard();
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static LocalStack stack;
    private static Tap events;
    private static Tap alerts;

    @BeforeAll
    static void startStack() throws Exception {
        events = ns.tap(ns.topology().eventsExchange(), "#");
        alerts = ns.tap(ns.topology().alertsExchange(), "#");
        stack = LocalStack.start(LocalStack.home(), ns.env(),
                Path.of("target", "e2e-logs", ns.config().namespace()), 2);
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
        events.close();
        alerts.close();
    }

    @Test
    void aRefreshPublishedOverAmqpPurgesBothCachesAndIsRecordedComplete() throws Exception {
        String url = "http://www.example.com/static/app-" + UUID.randomUUID() + ".js";
        for (LocalStack.Edge edge : stack.edges()) {
            assertThat(edge.fetch(url).body()).startsWith("v1");
            assertThat(edge.fetch(url).header("X-Cache")).isEqualTo("HIT");
            edge.origin().publish("v2");
            assertThat(edge.fetch(url).body()).as("the cache still serves the stale copy").startsWith("v1");
        }

        String taskId = "acme:e2e-" + UUID.randomUUID();
        publishSubmission(taskId, """
                {"api_id": "acme", "type": "refresh", "urls": ["%s"], "scope": {"nodes": ["edge-1", "edge-2"]}}
                """.formatted(url));

        TaskEvent done = events.await("task.completed", TaskEvent.class, e -> e.taskId().equals(taskId), PATIENCE);
        assertThat(done.total()).isEqualTo(2);
        assertThat(done.done()).isEqualTo(2);
        assertThat(done.failed()).isZero();

        for (LocalStack.Edge edge : stack.edges()) {
            assertThat(edge.fetch(url).body()).as(edge.nodeId() + " serves the new version").startsWith("v2");
        }

        Map<String, Object> task = ns.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT state, total, done, failed FROM tasks WHERE task_id = ?").bind(0, taskId).mapToMap().one());
        assertThat(task).containsEntry("state", "completed").containsEntry("done", 2).containsEntry("failed", 0);
        List<String> subtaskStates = ns.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT state FROM subtasks WHERE task_id = ?").bind(0, taskId).mapTo(String.class).list());
        assertThat(subtaskStates).containsExactly("done", "done");

        TaskStatus status = codec.fromJson(stack.get("/v1/tasks/" + taskId).body(), TaskStatus.class);
        assertThat(status.state()).isEqualTo("completed");
        assertThat(status.total()).isEqualTo(2);
        assertThat(status.done()).isEqualTo(2);
        assertThat(status.nodes()).extracting(TaskStatus.NodeStatus::nodeId)
                .containsExactlyInAnyOrder("edge-1", "edge-2");
        assertThat(status.nodes()).allSatisfy(n -> assertThat(n.state()).isEqualTo("done"));
    }

    @Test
    void aTaskWithANodeWhoseAgentIsDownFailsAndNamesTheNodeAndTheReason() throws Exception {
        stack.registerNode("edge-down", "127.0.1.99:" + FreePorts.on("127.0.1.99"));
        String url = "http://www.example.com/down-" + UUID.randomUUID() + ".css";

        var accepted = stack.post("/v1/tasks", """
                {"api_id": "acme", "type": "refresh", "urls": ["%s"], "scope": {"nodes": ["edge-1", "edge-down"]}}
                """.formatted(url));
        assertThat(accepted.statusCode()).isEqualTo(202);
        String taskId = codec.fromJson(accepted.body(), TaskAccepted.class).taskId();

        TaskEvent failed = events.await("task.failed", TaskEvent.class, e -> e.taskId().equals(taskId), PATIENCE);
        assertThat(failed.done()).isEqualTo(1);
        assertThat(failed.failed()).isEqualTo(1);
        assertThat(failed.failedNodes()).singleElement().satisfies(n -> {
            assertThat(n.nodeId()).isEqualTo("edge-down");
            assertThat(n.reason()).contains("unreachable");
        });
        assertThat(events.seen()).noneMatch(s -> s.routingKey().equals("task.completed")
                && s.as(codec, TaskEvent.class).taskId().equals(taskId));

        TaskStatus status = codec.fromJson(stack.get("/v1/tasks/" + taskId).body(), TaskStatus.class);
        assertThat(status.state()).isEqualTo("failed");
        TaskStatus.NodeStatus down = status.nodes().stream().filter(n -> n.nodeId().equals("edge-down"))
                .findFirst().orElseThrow();
        assertThat(down.state()).isEqualTo("failed");
        assertThat(down.lastError()).contains("unreachable");
        alerts.await("warning.node_unreachable", Alert.class, a -> "edge-down".equals(a.nodeId()), PATIENCE);

        String dead = ns.topology().deadQueue(Topology.Area.DISPATCH);
        await().atMost(PATIENCE).until(() -> ns.depth(dead) == 1);
        ns.broker().withChannel(ch -> {
            GetResponse parked = ch.basicGet(dead, true);
            assertThat(parked.getProps().getHeaders().get(Topology.DEAD_REASON_HEADER).toString())
                    .as("the undeliverable work waits in dispatch.dead, for replay once the agent is fixed")
                    .contains("unreachable");
            assertThat(parked.getProps().getCorrelationId()).isEqualTo(taskId);
        });
    }

    @Test
    void malformedSubmissionsOverAmqpAreDeadLetteredWithTheReasonAndTheConsumerKeepsRunning() throws Exception {
        String dead = ns.topology().deadQueue(Topology.Area.INGEST);
        publishSubmission(null, "{this is not json");
        publishSubmission(null, """
                {"api_id": "acme", "type": "purge_everything", "urls": ["http://www.example.com/a"]}""");
        publishSubmission(null, """
                {"api_id": "acme", "type": "refresh", "urls": ["ftp://www.example.com/a"]}""");

        String taskId = "acme:after-poison-" + UUID.randomUUID();
        publishSubmission(taskId, """
                {"api_id": "acme", "type": "refresh", "urls": ["http://www.example.com/ok.js"],
                 "scope": {"nodes": ["edge-1", "edge-2"]}}""");
        events.await("task.completed", TaskEvent.class, e -> e.taskId().equals(taskId), PATIENCE);

        await().atMost(PATIENCE).until(() -> ns.depth(dead) == 3);
        List<String> reasons = new ArrayList<>();
        ns.broker().withChannel(ch -> {
            for (int i = 0; i < 3; i++) {
                GetResponse r = ch.basicGet(dead, true);
                reasons.add(String.valueOf(r.getProps().getHeaders().get(Topology.DEAD_REASON_HEADER)));
            }
        });
        assertThat(reasons).anySatisfy(r -> assertThat(r).containsIgnoringCase("json"));
        assertThat(reasons).anySatisfy(r -> assertThat(r).contains("purge_everything"));
        assertThat(reasons).anySatisfy(r -> assertThat(r).contains("ftp://www.example.com/a"));
        await().atMost(PATIENCE).until(() -> alerts.seen().stream()
                .filter(s -> s.routingKey().equals("warning.poison_message")).count() >= 3);
    }

    @Test
    void malformedSubmissionsOverHttpAreRefusedWith400AndAMessage() throws Exception {
        Map<String, String> cases = Map.of(
                "{this is not json", "json",
                "{\"api_id\": \"acme\", \"type\": \"purge_everything\", \"urls\": [\"http://www.example.com/a\"]}",
                "purge_everything",
                "{\"api_id\": \"acme\", \"type\": \"refresh\", \"urls\": [\"ftp://www.example.com/a\"]}",
                "ftp://www.example.com/a");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            var response = stack.post("/v1/tasks", c.getKey());
            assertThat(response.statusCode()).as(c.getKey()).isEqualTo(400);
            ErrorBody error = codec.fromJson(response.body(), ErrorBody.class);
            assertThat(error.message()).as(c.getKey()).containsIgnoringCase(c.getValue());
        }
    }

    /** Publishes a submission exactly as an upstream system would: raw JSON, persistent, message id = task id. */
    private static void publishSubmission(String messageId, String json) {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType("application/json").deliveryMode(2).messageId(messageId)
                .userId(ns.config().amqp().user()).build();
        ns.broker().withChannel(ch -> {
            ch.confirmSelect();
            ch.basicPublish(ns.topology().tasksExchange(), Topology.SUBMIT_KEY, props,
                    json.getBytes(StandardCharsets.UTF_8));
            ch.waitForConfirmsOrDie(5_000);
        });
    }
}
