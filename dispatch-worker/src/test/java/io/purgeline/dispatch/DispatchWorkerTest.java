package io.purgeline.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.purgeline.contracts.AgentBatch;
import io.purgeline.contracts.Alert;
import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.DispatchBatch;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Lane;
import io.purgeline.contracts.NodeKeys;
import io.purgeline.contracts.Signatures;
import io.purgeline.contracts.SubtaskOutcome;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.SubtaskState;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import io.purgeline.runtime.Outgoing;
import io.purgeline.runtime.Topology;
import io.purgeline.service.Env;
import io.purgeline.testkit.FreePorts;
import io.purgeline.testkit.Tap;
import io.purgeline.testkit.TestNamespace;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** dispatch-worker on the real broker, sending to stand-in agents (TestNamespace: 3 attempts, 200 and 400 ms). */
class DispatchWorkerTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static final String MASTER = "test-agent-master";
    private static final String CALLBACK_API = "http://127.0.0.1:18081/v1/agent/callback";

    private static final DeadLetterReader dead = new DeadLetterReader(ns);
    private DispatchWorker worker;

    @BeforeEach
    void startWorker() throws Exception {
        Map<String, String> env = new HashMap<>(ns.env());
        env.put("PURGELINE_HTTP_PORT", "0");
        env.put("PURGELINE_AGENT_TIMEOUT_MS", "1000");
        env.put("PURGELINE_AGENT_MASTER_KEYS", MASTER);
        env.put("PURGELINE_CALLBACK_API", CALLBACK_API);
        worker = DispatchWorker.start(new Env(env));
    }

    @AfterEach
    void stopWorker() {
        worker.close();
    }

    @Test
    void everyNodeOfTheMessageGetsItsOwnSignedBatchAndTheMessageIsAcked() throws Exception {
        try (FakeAgent edge1 = FakeAgent.accepting(); FakeAgent edge2 = FakeAgent.accepting()) {
            publish(message("task-ok", Lane.FAST, List.of(
                    new Assignment("task-ok@edge-1", "edge-1", edge1.address(), 1),
                    new Assignment("task-ok@edge-2", "edge-2", edge2.address(), 1))));

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> edge1.received().size() == 1 && edge2.received().size() == 1);
            for (String node : List.of("edge-1", "edge-2")) {
                FakeAgent.Received r = (node.equals("edge-1") ? edge1 : edge2).received().get(0);
                assertThat(r.path()).startsWith("/v1/agent/task?nonce=");
                assertThat(r.accessKey()).isEqualTo(node);
                assertThat(r.signedWith(NodeKeys.derive(MASTER, node))).as("Token verifies under the node's key")
                        .isTrue();
                assertThat(r.signedWith(NodeKeys.derive(MASTER, "edge-1".equals(node) ? "edge-2" : "edge-1")))
                        .as("and under no other node's").isFalse();
            }
            AgentBatch batch = edge2.received().get(0).batch();
            assertThat(batch.nodeId()).isEqualTo("edge-2");
            assertThat(batch.callbackApi()).isEqualTo(CALLBACK_API);
            assertThat(batch.subtasks()).singleElement().satisfies(s -> {
                assertThat(s.subtaskId()).isEqualTo("task-ok@edge-2");
                assertThat(s.taskId()).isEqualTo("task-ok");
                assertThat(s.type()).isEqualTo(TaskType.REFRESH);
                assertThat(s.urls()).containsExactly("https://www.example.com/a.js", "https://www.example.com/b.js");
                assertThat(s.callbackToken()).isEqualTo(Signatures.callbackToken(NodeKeys.derive(MASTER, "edge-2"), "task-ok@edge-2"));
            });

            // Stopping lets the handler finish; anything unacked would be back in the lane queue.
            worker.close();
            assertThat(ns.depth(ns.topology().laneQueue(Lane.FAST))).isZero();
            assertThat(retryQueueDepth(Lane.FAST)).isZero();
            assertThat(edge1.received()).hasSize(1);
        }
    }

    @Test
    void aNodeNeverHeardFromThatRefusesConnectionsIsRetriedAloneThenRecordedFailedAndDeadLettered() throws Exception {
        int closedPort = FreePorts.any();
        try (FakeAgent healthy = FakeAgent.accepting();
                Tap alerts = ns.tap(ns.topology().alertsExchange(), "#")) {
            publish(message("task-down", Lane.SLOW, List.of(
                    new Assignment("task-down@edge-ok", "edge-ok", healthy.address(), 1),
                    new Assignment("task-down@edge-down", "edge-down", "127.0.0.1:" + closedPort, 1))));

            SubtaskOutcome outcome = awaitSavedOutcome("task-down", "task-down@edge-down");
            assertThat(outcome.state()).isEqualTo(SubtaskState.FAILED);
            assertThat(outcome.nodeId()).isEqualTo("edge-down");
            assertThat(outcome.attempts()).isEqualTo(3);
            assertThat(outcome.error())
                    .startsWith("agent at 127.0.0.1:" + closedPort + " unreachable after 3 attempts: ")
                    .containsIgnoringCase("connection refused");
            assertThat(outcome.finishedAt()).isNotNull();

            Alert alert = alerts.await("warning.node_unreachable", Alert.class,
                    a -> "task-down".equals(a.taskId()), Duration.ofSeconds(10));
            assertThat(alert.nodeId()).isEqualTo("edge-down");
            assertThat(alert.message()).contains("unreachable after 3 attempts");
            assertThat(alert.source()).isEqualTo(DispatchWorker.NAME);

            DeadLetterReader.Letter letter = awaitDeadLetter("task-down");
            assertThat(letter.reason()).isEqualTo(outcome.error());
            assertThat(letter.message(ns).assignments()).extracting(Assignment::nodeId).containsExactly("edge-down");

            assertThat(ns.redis().hexists(ns.keys().offlineNodes(), "edge-down"))
                    .as("a node never heard from is not waited for as offline").isFalse();
            assertThat(healthy.received()).as("the healthy node is sent its batch once").hasSize(1);
            assertThat(retryQueueDepth(Lane.SLOW)).isZero();
        }
    }

    @Test
    void aNodeAnsweringWithAnErrorUntilTheAttemptLimitIsRecordedFailedDeadLetteredAndAlerted() throws Exception {
        try (FakeAgent busy = FakeAgent.start(r -> 500);
                Tap alerts = ns.tap(ns.topology().alertsExchange(), "#")) {
            publish(message("task-busy", Lane.FAST, List.of(
                    new Assignment("task-busy@edge-busy", "edge-busy", busy.address(), 1))));

            SubtaskOutcome outcome = awaitSavedOutcome("task-busy", "task-busy@edge-busy");
            assertThat(outcome.state()).isEqualTo(SubtaskState.FAILED);
            assertThat(outcome.httpCode()).isEqualTo(500);
            assertThat(outcome.error()).startsWith("agent at " + busy.address() + " refused the batch after 3 attempts:"
                    + " answered 500");
            assertThat(busy.received()).hasSize(3);
            assertThat(busy.received()).extracting(r -> r.batch().subtasks().get(0).subtaskId())
                    .containsOnly("task-busy@edge-busy");

            DeadLetterReader.Letter letter = awaitDeadLetter("task-busy");
            assertThat(letter.reason()).isEqualTo(outcome.error());
            assertThat(letter.source()).isEqualTo(ns.topology().laneQueue(Lane.FAST));
            assertThat(letter.type()).isEqualTo(DispatchMessage.MESSAGE_TYPE);
            assertThat(letter.message(ns).assignments())
                    .containsExactly(new Assignment("task-busy@edge-busy", "edge-busy", busy.address(), 3));

            Alert alert = alerts.await("warning.delivery_failed", Alert.class,
                    a -> "task-busy".equals(a.taskId()), Duration.ofSeconds(10));
            assertThat(alert.message()).contains("answered 500").contains(ns.topology().deadQueue(Topology.Area.DISPATCH));
            assertThat(ns.redis().zscore(ns.keys().inflight(), "task-busy@edge-busy"))
                    .as("a refused delivery is not awaited as in flight").isNull();
        }
    }

    @Test
    void aMessagePastItsTaskDeadlineIsRecordedExpiredWithoutSendingAnything() throws Exception {
        try (FakeAgent edge = FakeAgent.accepting()) {
            DispatchMessage late = message("task-late", Lane.FAST, List.of(
                    new Assignment("task-late@edge-1", "edge-1", edge.address(), 1),
                    new Assignment("task-late@edge-2", "edge-2", edge.address(), 2)));
            publish(new DispatchMessage(late.taskId(), late.apiId(), late.type(), late.targets(), late.options(),
                    late.priority(), late.lane(), Instant.now().minusSeconds(1), late.assignments()));

            SubtaskOutcome outcome = awaitSavedOutcome("task-late", "task-late@edge-2");
            assertThat(outcome.state()).isEqualTo(SubtaskState.EXPIRED);
            assertThat(outcome.error()).isEqualTo("deadline passed before the node could be reached");
            assertThat(outcome.attempts()).as("the attempt the deadline prevented is not counted").isEqualTo(1);
            worker.close();
            assertThat(edge.received()).isEmpty();
            assertThat(ns.depth(ns.topology().laneQueue(Lane.FAST))).isZero();
        }
    }

    @Test
    void anAcceptedDeliveryIsAwaitedInFlightWithTheDeliveryToSendAgain() throws Exception {
        try (FakeAgent edge = FakeAgent.accepting()) {
            long before = System.currentTimeMillis();
            publish(message("task-wait", Lane.FAST, List.of(
                    new Assignment("task-wait@edge-1", "edge-1", edge.address(), 1))));

            await().atMost(Duration.ofSeconds(10)).until(() -> edge.received().size() == 1);
            Double due = ns.redis().zscore(ns.keys().inflight(), "task-wait@edge-1");
            assertThat(due).as("due after the agent's answer time and the in-flight timeout")
                    .isBetween((double) before + 1000 + 30_000, (double) System.currentTimeMillis() + 1000 + 30_000);
            DispatchMessage stored = ns.config().codec().fromJson(
                    ns.redis().hget(ns.keys().inflightDeliveries(), "task-wait@edge-1"), DispatchMessage.class);
            assertThat(stored.taskId()).isEqualTo("task-wait");
            assertThat(stored.assignments())
                    .containsExactly(new Assignment("task-wait@edge-1", "edge-1", edge.address(), 1));
        }
    }

    @Test
    void resultsInTheAgentsAnswerAreSavedAndTheirTimersRemoved() throws Exception {
        try (FakeAgent edge = FakeAgent.finishing(NodeKeys.derive(MASTER, "edge-1"))) {
            publish(message("task-answered", Lane.FAST, List.of(
                    new Assignment("task-answered@edge-1", "edge-1", edge.address(), 1))));

            SubtaskOutcome saved = awaitSavedOutcome("task-answered", "task-answered@edge-1");
            assertThat(saved.state()).isEqualTo(SubtaskState.DONE);
            assertThat(saved.nodeId()).isEqualTo("edge-1");
            assertThat(saved.attempts()).isEqualTo(1);
            assertThat(saved.httpCode()).isEqualTo(200);
            assertThat(edge.received().get(0).path()).contains("answer_ms=250").contains("implied_targets=1")
                    .contains("item_rows=1");
            // Rows with the target implied, as the agent wrote them: stored so, the status API puts targets back.
            assertThat(saved.items().json()).isEqualTo("[[200,0,1]]");
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    ns.redis().zscore(ns.keys().inflight(), "task-answered@edge-1") == null);
        }
    }

    @Test
    void aResultInAnAnswerWithATokenNotIssuedIsNotSavedAndItsTimerStays() throws Exception {
        try (FakeAgent edge = FakeAgent.finishing(NodeKeys.derive(MASTER, "edge-2"))) {
            publish(message("task-forged", Lane.FAST, List.of(
                    new Assignment("task-forged@edge-1", "edge-1", edge.address(), 1))));

            await().atMost(Duration.ofSeconds(10)).until(() -> edge.received().size() == 1);
            try (SavesReader saves = SavesReader.open(ns)) {
                await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                        .until(() -> saves.saves().stream().noneMatch(x -> x.carries("task-forged")));
            }
            assertThat(ns.redis().zscore(ns.keys().inflight(), "task-forged@edge-1")).isNotNull();
        }
    }

    @Test
    void aMessageThatCannotBeDispatchedIsParkedWithTheReason() {
        ns.publisher().publish(Outgoing.of(ns.topology().dispatchExchange(), Lane.FAST.wire(),
                DispatchMessage.MESSAGE_TYPE, Map.of("task_id", "task-poison", "type", "refresh")));

        DeadLetterReader.Letter letter = awaitDeadLetter(null);
        assertThat(letter.reason()).contains("task-poison").contains("has no targets");
    }

    @Test
    void everyTaskOfADispatchBatchIsSentAndABadPartIsParkedWithoutHoldingTheOthersBack() throws Exception {
        try (FakeAgent one = FakeAgent.finishing(NodeKeys.derive(MASTER, "edge-b1"));
                FakeAgent two = FakeAgent.finishing(NodeKeys.derive(MASTER, "edge-b2"));
                SavesReader saves = SavesReader.open(ns)) {
            DispatchMessage a = message("task-batch-a", Lane.FAST, List.of(
                    new Assignment("task-batch-a@edge-b1", "edge-b1", one.address(), 1)));
            DispatchMessage b = message("task-batch-b", Lane.FAST, List.of(
                    new Assignment("task-batch-b@edge-b2", "edge-b2", two.address(), 1)));
            DispatchMessage bad = new DispatchMessage("task-batch-bad", "customer-1", TaskType.REFRESH, List.of(),
                    TaskOptions.NONE, 5, Lane.FAST, Instant.now().plusSeconds(600),
                    List.of(new Assignment("task-batch-bad@edge-b1", "edge-b1", one.address(), 1)));
            ns.publisher().publish(Outgoing.of(ns.topology().dispatchExchange(), Lane.FAST.wire(),
                    DispatchBatch.MESSAGE_TYPE, new DispatchBatch(List.of(a, bad, b))).priority(5));

            await().atMost(Duration.ofSeconds(15)).until(() -> saves.saves().stream()
                    .filter(x -> x.carries("task-batch-a") || x.carries("task-batch-b"))
                    .flatMap(x -> x.parts().outcomes().stream()).count() >= 2);
            assertThat(saves.saves().stream().flatMap(x -> x.parts().outcomes().stream())
                    .flatMap(o -> o.outcomes().stream()))
                    .extracting(SubtaskOutcome::subtaskId, SubtaskOutcome::state)
                    .contains(tuple("task-batch-a@edge-b1", SubtaskState.DONE),
                            tuple("task-batch-b@edge-b2", SubtaskState.DONE))
                    .noneMatch(t -> t.toList().get(0).equals("task-batch-bad@edge-b1"));
            DeadLetterReader.Letter[] letter = new DeadLetterReader.Letter[1];
            await().atMost(Duration.ofSeconds(10)).until(() -> (letter[0] = dead.letters().stream()
                    .filter(l -> l.reason().contains("task-batch-bad")).findFirst().orElse(null)) != null);
            assertThat(letter[0].reason()).contains("has no targets");
            assertThat(letter[0].type()).isEqualTo(DispatchBatch.MESSAGE_TYPE);
            assertThat(one.received()).as("only task-batch-a's subtask reached edge-b1").hasSize(1);
        }
    }

    private static DispatchMessage message(String taskId, Lane lane, List<Assignment> assignments) {
        return new DispatchMessage(taskId, "customer-1", TaskType.REFRESH,
                List.of("https://www.example.com/a.js", "https://www.example.com/b.js"), TaskOptions.NONE, 5, lane,
                Instant.now().plusSeconds(600), assignments);
    }

    private static void publish(DispatchMessage m) {
        ns.publisher().publish(Outgoing.of(ns.topology().dispatchExchange(), m.lane().wire(),
                DispatchMessage.MESSAGE_TYPE, m).priority(m.priority()).correlationId(m.taskId()));
    }

    /** The dead letter of a task (null: of a message without correlation id, as a raw poison message has). */
    private static DeadLetterReader.Letter awaitDeadLetter(String taskId) {
        DeadLetterReader.Letter[] found = new DeadLetterReader.Letter[1];
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            found[0] = dead.letters().stream().filter(l -> Objects.equals(taskId, l.correlationId()))
                    .findFirst().orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    private static long retryQueueDepth(Lane lane) {
        return ns.config().retryDelays().stream().mapToLong(d -> ns.depth(ns.topology().retryQueue(lane, d))).sum();
    }

    private static SubtaskOutcome awaitSavedOutcome(String taskId, String subtaskId) throws Exception {
        return SavesReader.awaitOutcome(ns, taskId, subtaskId, Duration.ofSeconds(15));
    }
}
