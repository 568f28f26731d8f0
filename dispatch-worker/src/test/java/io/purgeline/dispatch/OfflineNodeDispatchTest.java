package io.purgeline.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.purgeline.contracts.AgentSubtask;
import io.purgeline.contracts.Alert;
import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Lane;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import io.purgeline.runtime.ModuleHeartbeat;
import io.purgeline.runtime.OfflineNodes;
import io.purgeline.runtime.Outgoing;
import io.purgeline.service.Env;
import io.purgeline.testkit.FreePorts;
import io.purgeline.testkit.Tap;
import io.purgeline.testkit.TestNamespace;
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
 * dispatch-worker with offline nodes: parking instead of sending, the node watchdog and the catch-up (singletons
 * ticking every 100 ms, heartbeat timeout 3 s). A heartbeat is written into Redis as callback-worker records it.
 */
class OfflineNodeDispatchTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static DispatchWorker worker;
    private static Tap alerts;
    private static OfflineNodes offline;

    private static ModuleHeartbeat receiver;

    @BeforeAll
    static void startWorker() throws Exception {
        Map<String, String> env = new HashMap<>(ns.env());
        env.put("PURGELINE_HTTP_PORT", "0");
        env.put("PURGELINE_AGENT_TIMEOUT_MS", "1000");
        env.put("PURGELINE_AGENT_MASTER_KEYS", "test-agent-master");
        env.put("PURGELINE_SWEEP_INTERVAL_MS", "100");
        env.put("PURGELINE_NODE_HEARTBEAT_TIMEOUT_MS", "3000");
        alerts = ns.tap(ns.topology().alertsExchange(), "#");
        offline = new OfflineNodes(ns.redis(), ns.keys(), ns.config().codec());
        // Stands in for a running callback-worker: without a heartbeat receiver nobody counts as silent.
        receiver = ModuleHeartbeat.start(ns.redis(), ns.keys(), NodeWatchdog.RECEIVER, "test");
        worker = DispatchWorker.start(new Env(env));
    }

    @AfterAll
    static void stopWorker() throws Exception {
        worker.close();
        receiver.close();
        alerts.close();
    }

    @Test
    void aNodeThatRefusesConnectionsIsParkedWithoutFurtherAttemptsUntilItHeartbeatsAgain() throws Exception {
        String node = "edge-gone";
        int port = FreePorts.any();
        String address = "127.0.0.1:" + port;
        heartbeat(node, System.currentTimeMillis());

        publish(message("task-first", node, address));

        await().atMost(PATIENCE).until(() -> offline.parked(node).size() == 1);
        assertThat(offline.offline().get(node).reason()).containsIgnoringCase("connection refused");
        assertThat(parkedAssignments(node)).as("parked for its next attempt")
                .containsExactly(new Assignment("task-first@" + node, node, address, 2));
        Alert wentOffline = alerts.await("warning.node_offline", Alert.class, a -> node.equals(a.nodeId()), PATIENCE);
        assertThat(wentOffline.message()).contains(address).containsIgnoringCase("connection refused");

        try (FakeAgent back = FakeAgent.startOn(port, r -> 202)) {
            publish(message("task-second", node, address));
            await().atMost(PATIENCE).until(() -> offline.parked(node).size() == 2);
            assertThat(back.received()).as("no connection attempt to a node known offline").isEmpty();
            assertThat(ns.depth(ns.topology().retryQueue(Lane.FAST, Duration.ofMillis(200)))).isZero();

            heartbeat(node, System.currentTimeMillis());

            await().atMost(PATIENCE).until(() -> subtasksReceived(back).size() == 2);
            assertThat(subtasksReceived(back)).extracting(AgentSubtask::taskId)
                    .containsExactlyInAnyOrder("task-first", "task-second");
            assertThat(offline.offline()).doesNotContainKey(node);
            assertThat(offline.parked(node)).isEmpty();
            alerts.await(Alert.INFO + ".node_online", Alert.class, a -> node.equals(a.nodeId()), PATIENCE);
        }
        assertThat(alerts.seen()).filteredOn(s -> s.routingKey().equals("warning.node_offline")
                        && node.equals(s.as(ns.config().codec(), Alert.class).nodeId()))
                .as("alerted once for one transition, though two deliveries found it offline").hasSize(1);
    }

    @Test
    void aNodeThatMissesHeartbeatsIsMarkedOfflineAndItsWorkParked() throws Exception {
        String node = "edge-silent";
        heartbeat(node, System.currentTimeMillis() - 10_000);

        Alert alert = alerts.await("warning.node_offline", Alert.class, a -> node.equals(a.nodeId()), PATIENCE);

        assertThat(alert.message()).contains("no heartbeat");
        assertThat(offline.offline().get(node).reason()).isEqualTo("missed heartbeats");
        try (FakeAgent silent = FakeAgent.accepting()) {
            publish(message("task-silent", node, silent.address()));
            await().atMost(PATIENCE).until(() -> offline.parked(node).size() == 1);
            assertThat(silent.received()).isEmpty();
        }
    }

    @Test
    void workLeftWaitingForReplayIsPutBackByTheCatchUp() throws Exception {
        String node = "edge-half-back";
        try (FakeAgent edge = FakeAgent.accepting()) {
            offline.markOffline(node, "connection refused", System.currentTimeMillis());
            for (String task : List.of("task-left-1", "task-left-2", "task-left-3")) {
                assertThat(offline.park(message(task, node, edge.address()))).isTrue();
            }
            // What callback-worker does on a heartbeat before it replays; here it "crashes" before replaying.
            OfflineNodes.Comeback back = offline.heartbeat(node, System.currentTimeMillis());
            assertThat(back.replaying()).isEqualTo(3);

            // Subtasks, not requests: what waits for a node together goes to it in one request.
            await().atMost(PATIENCE).until(() -> subtasksReceived(edge).size() == 3);
            assertThat(offline.replaying(node, 10)).isEmpty();
            assertThat(offline.replayingNodes()).doesNotContain(node);
        }
    }

    private static List<AgentSubtask> subtasksReceived(FakeAgent agent) {
        return agent.received().stream().flatMap(r -> r.batch().subtasks().stream()).toList();
    }

    private static void heartbeat(String node, long at) {
        ns.redis().hset(ns.keys().nodeHeartbeats(), node, Long.toString(at));
    }

    private static List<Assignment> parkedAssignments(String node) {
        return offline.parked(node).stream()
                .flatMap(json -> ns.config().codec().fromJson(json, DispatchMessage.class).assignments().stream())
                .toList();
    }

    private static DispatchMessage message(String taskId, String node, String address) {
        return new DispatchMessage(taskId, "customer-1", TaskType.REFRESH, List.of("https://www.example.com/a.js"),
                TaskOptions.NONE, 5, Lane.FAST, Instant.now().plusSeconds(600),
                List.of(new Assignment(taskId + "@" + node, node, address, 1)));
    }

    private static void publish(DispatchMessage m) {
        ns.publisher().publish(Outgoing.of(ns.topology().dispatchExchange(), m.lane().wire(),
                DispatchMessage.MESSAGE_TYPE, m).priority(m.priority()).correlationId(m.taskId()));
    }
}
