package io.purgeline.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.purgeline.contracts.Alert;
import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Lane;
import io.purgeline.contracts.SubtaskOutcome;
import io.purgeline.contracts.SubtaskState;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import io.purgeline.runtime.InflightDeliveries;
import io.purgeline.runtime.Outgoing;
import io.purgeline.service.Env;
import io.purgeline.testkit.Tap;
import io.purgeline.testkit.TestNamespace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Agents that accept a batch and never report: the in-flight sweeper sends it again after the in-flight timeout
 * (300 ms here, after a 500 ms answer time), up to the attempt limit (3), then records the node failed.
 */
class InflightTimeoutTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static final DeadLetterReader dead = new DeadLetterReader(ns);

    private static DispatchWorker worker;

    @BeforeAll
    static void startWorker() throws Exception {
        Map<String, String> env = new HashMap<>(ns.env());
        env.put("PURGELINE_HTTP_PORT", "0");
        env.put("PURGELINE_AGENT_TIMEOUT_MS", "500");
        env.put("PURGELINE_INFLIGHT_TIMEOUT_MS", "300");
        env.put("PURGELINE_SWEEP_INTERVAL_MS", "100");
        env.put("PURGELINE_AGENT_MASTER_KEYS", "test-agent-master");
        worker = DispatchWorker.start(new Env(env));
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    @Test
    void aDeliveryWhoseResultNeverComesIsSentAgainThenRecordedFailedAtTheAttemptLimit() throws Exception {
        try (FakeAgent mute = FakeAgent.accepting(); Tap alerts = ns.tap(ns.topology().alertsExchange(), "#")) {
            publish(message("task-mute", "edge-mute", mute.address()));

            SubtaskOutcome outcome = SavesReader.awaitOutcome(ns, "task-mute", "task-mute@edge-mute",
                    Duration.ofSeconds(15));

            assertThat(outcome.state()).isEqualTo(SubtaskState.FAILED);
            assertThat(outcome.attempts()).isEqualTo(3);
            assertThat(outcome.error()).isEqualTo("no result within 0.3s after 3 deliveries");
            assertThat(mute.received()).hasSize(3).allSatisfy(r ->
                    assertThat(r.batch().subtasks().get(0).subtaskId()).isEqualTo("task-mute@edge-mute"));
            assertThat(ns.redis().zscore(ns.keys().inflight(), "task-mute@edge-mute")).isNull();
            assertThat(ns.redis().hget(ns.keys().inflightDeliveries(), "task-mute@edge-mute")).isNull();
            alerts.await("warning.no_result", Alert.class, a -> "task-mute".equals(a.taskId()), Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(5)).until(() -> dead.letters().stream()
                    .anyMatch(l -> "task-mute".equals(l.correlationId())));
            DeadLetterReader.Letter letter = dead.letters().stream()
                    .filter(l -> "task-mute".equals(l.correlationId())).findFirst().orElseThrow();
            assertThat(letter.reason()).isEqualTo("no result within 0.3s after 3 deliveries");
            assertThat(letter.source()).isEqualTo(ns.topology().laneQueue(Lane.SLOW));
            assertThat(letter.message(ns).assignments()).extracting(Assignment::subtaskId)
                    .containsExactly("task-mute@edge-mute");
            assertThat(stat("redispatched")).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void theNodesOfOneTaskWhoseResultsAreLateAreSentAgainInOneMessage() throws Exception {
        try (FakeAgent a = FakeAgent.accepting(); FakeAgent b = FakeAgent.accepting(); FakeAgent c = FakeAgent.accepting();
                Tap lane = ns.tap(ns.topology().dispatchExchange(), Lane.SLOW.wire())) {
            List<FakeAgent> agents = List.of(a, b, c);
            publish(new DispatchMessage("task-late", "customer-1", TaskType.REFRESH,
                    List.of("https://www.example.com/a.js"), TaskOptions.NONE, 5, Lane.SLOW,
                    Instant.now().plusSeconds(600), List.of(
                            new Assignment("task-late@a", "a", a.address(), 1),
                            new Assignment("task-late@b", "b", b.address(), 1),
                            new Assignment("task-late@c", "c", c.address(), 1))));

            await().atMost(Duration.ofSeconds(15)).until(() -> agents.stream().allMatch(x -> x.received().size() >= 2));

            DispatchMessage again = lane.await(Lane.SLOW.wire(), DispatchMessage.class,
                    m -> m.taskId().equals("task-late") && m.assignments().get(0).attempt() == 2, Duration.ofSeconds(5));
            assertThat(again.assignments()).extracting(Assignment::subtaskId)
                    .containsExactlyInAnyOrder("task-late@a", "task-late@b", "task-late@c");
            // Each node's timer keeps only its assignment; the task's URLs, kept once, come back with the re-send.
            assertThat(again.targets()).containsExactly("https://www.example.com/a.js");
            assertThat(a.received().get(1).batch().subtasks().get(0).urls())
                    .containsExactly("https://www.example.com/a.js");
        }
    }

    @Test
    void aLateDeliveryWhoseTaskBodyIsGoneFromRedisIsRecordedFailedWithTheReason() throws Exception {
        try (FakeAgent mute = FakeAgent.accepting()) {
            publish(message("task-bodyless", "edge-bodyless", mute.address()));
            await().atMost(Duration.ofSeconds(10)).until(() -> mute.received().size() == 1);
            ns.redis().del(ns.keys().inflightBody("task-bodyless")); // as a Redis that lost it would

            SubtaskOutcome outcome = SavesReader.awaitOutcome(ns, "task-bodyless", "task-bodyless@edge-bodyless",
                    Duration.ofSeconds(15));

            assertThat(outcome.state()).isEqualTo(SubtaskState.FAILED);
            assertThat(outcome.error()).isEqualTo("no result, and the task's body to send again is gone from Redis");
            assertThat(mute.received()).hasSize(1);
            assertThat(ns.redis().hget(ns.keys().inflightDeliveries(), "task-bodyless@edge-bodyless")).isNull();
        }
    }

    @Test
    void aNodeStillWorkingOnItsSubtaskIsCheckedOnButNeverRecordedFailed() throws Exception {
        try (FakeAgent busy = FakeAgent.working(); SavesReader saves = SavesReader.open(ns)) {
            publish(message("task-busy", "edge-busy", busy.address()));

            // Twice the attempt limit of re-sends, each answered "still running".
            await().atMost(Duration.ofSeconds(20)).until(() -> busy.received().size() >= 6);

            assertThat(saves.saves()).as("no outcome recorded for a node that is still working")
                    .noneMatch(s -> s.carries("task-busy"));
            assertThat(ns.redis().zscore(ns.keys().inflight(), "task-busy@edge-busy")).as("still awaited").isNotNull();
            DispatchMessage stored = ns.config().codec().fromJson(
                    ns.redis().hget(ns.keys().inflightDeliveries(), "task-busy@edge-busy"), DispatchMessage.class);
            assertThat(stored.assignments().get(0).attempt()).as("checks are not attempts").isLessThanOrEqualTo(2);
        }
    }

    @Test
    void aDeliveryWhoseResultCameInIsNotSentAgain() throws Exception {
        InflightDeliveries inflight = new InflightDeliveries(ns.redis(), ns.keys(), ns.config().codec());
        try (FakeAgent reporting = FakeAgent.accepting(); FakeAgent mute = FakeAgent.accepting()) {
            publish(message("task-reported", "edge-reporting", reporting.address()));
            await().atMost(Duration.ofSeconds(10)).until(() -> reporting.received().size() == 1);
            // What callback-worker does once the agent's result is saved.
            inflight.settle(List.of("task-reported@edge-reporting"));

            // A delivery sent later and never answered is sent again only after the first one's timer would have
            // fired: once it is, the first one's absence is the sweeper's decision, not a lack of time.
            publish(message("task-unreported", "edge-mute-2", mute.address()));
            await().atMost(Duration.ofSeconds(10)).until(() -> mute.received().size() == 2);

            assertThat(reporting.received()).hasSize(1);
        }
    }

    private static long stat(String name) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + worker.port() + "/stats")).build(), HttpResponse.BodyHandlers.ofString());
        Map<?, ?> stats = ns.config().codec().fromJson(response.body(), Map.class);
        return ((Number) stats.get(name)).longValue();
    }

    private static DispatchMessage message(String taskId, String node, String address) {
        return new DispatchMessage(taskId, "customer-1", TaskType.REFRESH, List.of("https://www.example.com/a.js"),
                TaskOptions.NONE, 5, Lane.SLOW, Instant.now().plusSeconds(600),
                List.of(new Assignment(taskId + "@" + node, node, address, 1)));
    }

    private static void publish(DispatchMessage m) {
        ns.publisher().publish(Outgoing.of(ns.topology().dispatchExchange(), m.lane().wire(),
                DispatchMessage.MESSAGE_TYPE, m).priority(m.priority()).correlationId(m.taskId()));
    }
}
