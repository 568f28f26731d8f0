package io.purgeline.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.purgeline.contracts.Alert;
import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Lane;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import io.purgeline.runtime.NodeCaches;
import io.purgeline.runtime.OfflineNodes;
import io.purgeline.service.AgentKeys;
import io.purgeline.service.Env;
import io.purgeline.testkit.SignedHttp;
import io.purgeline.testkit.Tap;
import io.purgeline.testkit.TestNamespace;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AgentHeartbeatTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static CallbackWorker worker;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> env = new HashMap<>(ns.env());
        env.put("PURGELINE_HTTP_PORT", "0");
        worker = CallbackWorker.start(new Env(env));
        ns.registeredNodes().addAll(List.of("edge-9", "edge-back", "edge-1", "edge-old"));
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    @Test
    void aHeartbeatRecordsWhenTheNodeWasLastSeen() throws Exception {
        long before = System.currentTimeMillis();

        HttpResponse<String> reply = post("{\"node_id\":\"edge-9\",\"version\":\"1.0\",\"cache\":\"varnish\","
                + "\"queued\":2,\"running\":1}");

        long after = System.currentTimeMillis();
        assertThat(reply.statusCode()).isEqualTo(204);
        String seen = ns.redis().hget(ns.keys().nodeHeartbeats(), "edge-9");
        assertThat(Long.parseLong(seen)).isBetween(before, after);
        assertThat(ns.redis().hget(ns.keys().nodeCaches(), "edge-9")).as("its cache kind, for GET /v1/caches")
                .isEqualTo("varnish");
    }

    @Test
    void aNodesCacheKindIsWrittenWhenItChangesAndAgainAfterAWhileInCaseRedisLostIt() {
        NodeCaches caches = new NodeCaches(ns.redis(), ns.keys());
        caches.reported("edge-k", "varnish", 0);
        ns.redis().hdel(ns.keys().nodeCaches(), "edge-k");

        caches.reported("edge-k", "varnish", 1_000);
        assertThat(ns.redis().hget(ns.keys().nodeCaches(), "edge-k")).as("unchanged: not written again").isNull();
        caches.reported("edge-k", "nginx", 2_000);
        assertThat(ns.redis().hget(ns.keys().nodeCaches(), "edge-k")).isEqualTo("nginx");
        ns.redis().hdel(ns.keys().nodeCaches(), "edge-k");
        caches.reported("edge-k", "nginx", 2_000 + NodeCaches.REWRITE_AFTER.toMillis());
        assertThat(ns.redis().hget(ns.keys().nodeCaches(), "edge-k")).isEqualTo("nginx");
        caches.reported("edge-k", "not a kind!", 3_000_000);
        assertThat(ns.redis().hget(ns.keys().nodeCaches(), "edge-k")).isEqualTo("nginx");
    }

    @Test
    void aHeartbeatWithoutACacheKindAsAnOlderAgentSendsItIsRecordedWithoutOne() throws Exception {
        HttpResponse<String> reply = post("{\"node_id\":\"edge-old\",\"version\":\"0.9\",\"queued\":0,\"running\":0}");

        assertThat(reply.statusCode()).isEqualTo(204);
        assertThat(ns.redis().hget(ns.keys().nodeHeartbeats(), "edge-old")).isNotNull();
        assertThat(ns.redis().hget(ns.keys().nodeCaches(), "edge-old")).isNull();
    }

    @Test
    void aHeartbeatFromAnOfflineNodeBringsItOnlineAndPutsItsParkedWorkBackInBulk() throws Exception {
        OfflineNodes offline = new OfflineNodes(ns.redis(), ns.keys(), ns.config().codec());
        String node = "edge-back";
        offline.markOffline(node, "connection refused", System.currentTimeMillis() - 60_000);
        int parked = 700; // more than one confirmed batch of the replayer
        List<DispatchMessage> work = IntStream.range(0, parked).mapToObj(i -> delivery("task-" + i, node)).toList();
        assertThat(offline.park(work)).containsOnly(true);
        String lane = ns.topology().laneQueue(Lane.SLOW);

        try (Tap alerts = ns.tap(ns.topology().alertsExchange(), "#")) {
            HttpResponse<String> reply = post("{\"node_id\":\"" + node + "\",\"version\":\"1.0\"}");

            assertThat(reply.statusCode()).isEqualTo(204);
            assertThat(offline.offline()).doesNotContainKey(node);
            await().atMost(Duration.ofSeconds(10)).until(() -> ns.depth(lane) == parked);
            await().atMost(Duration.ofSeconds(5)).until(() -> offline.replayingNodes().isEmpty());
            assertThat(offline.parked(node)).isEmpty();
            assertThat(offline.replaying(node, 10)).isEmpty();
            Alert alert = alerts.await(Alert.INFO + ".node_online", Alert.class, a -> node.equals(a.nodeId()),
                    Duration.ofSeconds(5));
            assertThat(alert.message()).contains("connection refused").contains(parked + " parked deliveries");

            post("{\"node_id\":\"" + node + "\",\"version\":\"1.0\"}");
            assertThat(ns.depth(lane)).as("a second heartbeat has nothing to put back").isEqualTo(parked);
            assertThat(alerts.seen()).filteredOn(seen -> seen.routingKey().endsWith(".node_online")).hasSize(1);
        }
        List<Tap.Seen> replayed = ns.take(List.of(lane), parked, Duration.ofSeconds(10));
        assertThat(replayed).extracting(seen -> seen.as(ns.config().codec(), DispatchMessage.class).taskId())
                .containsExactlyInAnyOrderElementsOf(work.stream().map(DispatchMessage::taskId).toList());
    }

    @Test
    void anUnsignedHeartbeatIsRefusedAndDoesNotCountAsLife() throws Exception {
        HttpResponse<String> reply = as("edge-1").unsigned("POST", "/v1/agent/heartbeat",
                "{\"node_id\":\"edge-1\",\"version\":\"1.0\"}");

        assertThat(reply.statusCode()).isEqualTo(401);
        assertThat(reply.body()).contains("unsigned");
        assertThat(ns.redis().hget(ns.keys().nodeHeartbeats(), "edge-1")).isNull();
    }

    @Test
    void aHeartbeatOfANodeThatIsNotRegisteredIsRefused() throws Exception {
        HttpResponse<String> reply = post("{\"node_id\":\"edge-stranger\",\"version\":\"1.0\"}");

        assertThat(reply.statusCode()).isEqualTo(403);
        assertThat(reply.body()).contains("unknown_node").contains("edge-stranger");
        assertThat(ns.redis().hget(ns.keys().nodeHeartbeats(), "edge-stranger")).isNull();
    }

    @Test
    void aNodeCannotHeartbeatForAnotherAndRefusalsAreCounted() throws Exception {
        HttpResponse<String> reply = as("edge-9").post("/v1/agent/heartbeat",
                "{\"node_id\":\"edge-back\",\"version\":\"1.0\"}");

        assertThat(reply.statusCode()).isEqualTo(403);
        assertThat(reply.body()).contains("wrong_node");
        assertThat(as("edge-1").unsigned("GET", "/metrics", null).body())
                .contains("purgeline_refused_total{reason=\"wrong_node\"");
        assertThat(post("{\"node_id\":\"edge-9\",\"version\":\"1.0\"}").statusCode())
                .as("genuine heartbeats are still heard").isEqualTo(204);
    }

    @Test
    void theWorkerRefusesToStartWithTheDevelopmentMasterKeyOutsideDevelopment() {
        Map<String, String> env = new HashMap<>(ns.env());
        env.remove("PURGELINE_DEV");
        env.put("PURGELINE_HTTP_PORT", "0");

        assertThatThrownBy(() -> CallbackWorker.start(new Env(env))).hasMessageContaining("PURGELINE_AGENT_MASTER_KEYS");
    }

    @Test
    void aHeartbeatWithoutNodeIdIsRefusedWith400() throws Exception {
        HttpResponse<String> reply = post("{\"version\":\"1.0\"}");

        assertThat(reply.statusCode()).isEqualTo(400);
        assertThat(reply.body()).contains("node_id");
    }

    private static DispatchMessage delivery(String taskId, String node) {
        return new DispatchMessage(taskId, "customer-1", TaskType.REFRESH_DIR, List.of("https://www.example.com/s/"),
                TaskOptions.NONE, 3, Lane.SLOW, Instant.now().plusSeconds(600),
                List.of(new Assignment(taskId + "@" + node, node, "127.0.0.1:1", 1)));
    }

    /** Posts a heartbeat signed by the node it names (edge-1 when it names none), with that node's key. */
    private static HttpResponse<String> post(String body) throws Exception {
        String node = body.contains("node_id") ? body.replaceAll(".*\"node_id\":\"([^\"]+)\".*", "$1") : "edge-1";
        return as(node).post("/v1/agent/heartbeat", body);
    }

    private static SignedHttp as(String node) {
        return new SignedHttp("http://127.0.0.1:" + worker.port(), node,
                AgentKeys.from(new Env(ns.env())).signingKey(node));
    }
}
