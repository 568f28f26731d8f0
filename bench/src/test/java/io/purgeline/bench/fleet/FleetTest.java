package io.purgeline.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.purgeline.contracts.Ids;
import io.purgeline.contracts.Signatures;
import io.purgeline.contracts.SubtaskResult;
import io.purgeline.contracts.SubtaskState;
import io.purgeline.service.AgentKeys;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A fleet of 60 simulated nodes in this JVM, each running the real agent code on its own loopback address. */
class FleetTest {
    private static final int NODES = 60;
    private static final AgentKeys KEYS = new AgentKeys(List.of("fleet-test-master"));
    private static final Duration PATIENCE = Duration.ofSeconds(15);

    private static CallbackRecorder callbacks;
    private static TestDispatcher dispatcher;
    private static Fleet fleet;

    @BeforeAll
    static void start() throws Exception {
        callbacks = CallbackRecorder.start(KEYS);
        dispatcher = TestDispatcher.start(KEYS, callbacks.callbackApi());
        fleet = Fleet.start(FleetConfig.of(NODES, URI.create(callbacks.baseUrl()), KEYS)
                .withIdPrefix("ft-")
                .withLatency(Duration.ofMillis(1))
                .withHeartbeatInterval(Duration.ofMillis(200)));
    }

    @AfterAll
    static void stop() throws Exception {
        fleet.close();
        dispatcher.close();
        callbacks.close();
    }

    @Test
    void everyNodeListensOnItsOwnLoopbackAddressAwayFromTheLocalStackOnes() {
        assertThat(fleet.nodes()).hasSize(NODES);
        assertThat(fleet.nodes()).extracting(FleetNode::host).doesNotHaveDuplicates()
                .allSatisfy(host -> assertThat(host).startsWith("127.").doesNotStartWith("127.0.0.")
                        .doesNotStartWith("127.0.1."));
        assertThat(fleet.nodes().get(0)).satisfies(n -> {
            assertThat(n.nodeId()).isEqualTo("ft-1");
            assertThat(n.host()).isEqualTo("127.0.2.1");
        });
    }

    @Test
    void everyNodeAcceptsASignedBatchAndReportsItsSignedResult() {
        List<CompletableFuture<ContentResponse>> answers = fleet.nodes().stream()
                .map(n -> dispatcher.refresh(n, "accept-1")).toList();

        assertThat(answers).allSatisfy(a -> assertThat(a.join().getStatus()).isEqualTo(202));
        callbacks.awaitResults(fleet.nodes().stream().map(n -> Ids.subtaskId("accept-1", n.nodeId())).toList());
        for (FleetNode node : fleet.nodes()) {
            String subtaskId = Ids.subtaskId("accept-1", node.nodeId());
            CallbackRecorder.Reported reported = callbacks.reported(subtaskId).get(0);
            assertThat(reported.nodeId()).isEqualTo(node.nodeId());
            SubtaskResult result = reported.result();
            assertThat(result.state()).isEqualTo(SubtaskState.DONE);
            assertThat(result.callbackToken())
                    .isEqualTo(Signatures.callbackToken(KEYS.signingKey(node.nodeId()), subtaskId));
            assertThat(result.items().list()).singleElement().satisfies(item -> assertThat(item.httpCode()).isEqualTo(200));
        }
        assertThat(callbacks.refused()).as("requests not signed with the agent keys").isZero();
        assertThat(fleet.executions()).filteredOn(e -> e.taskId().equals("accept-1"))
                .extracting(Execution::nodeId)
                .containsExactlyInAnyOrderElementsOf(fleet.nodes().stream().map(FleetNode::nodeId).toList());
    }

    @Test
    void everyNodeHeartbeatsUnderItsOwnId() {
        await().atMost(PATIENCE).until(() -> fleet.nodes().stream().allMatch(n -> callbacks.heartbeats(n.nodeId()) > 0));
    }

    @Test
    void aNodeSwitchedOfflineRefusesConnectionsAndStopsHeartbeatingUntilSwitchedBack() throws Exception {
        FleetNode node = fleet.nodes().get(7);
        FleetNode witness = fleet.nodes().get(8);
        // The dispatcher now holds a keep-alive connection to the node: going offline must drop it too.
        assertThat(dispatcher.refresh(node, "offline-1").join().getStatus()).isEqualTo(202);

        fleet.setOffline(node.nodeId(), true);

        assertThat(fleet.isOffline(node.nodeId())).isTrue();
        assertThatThrownBy(() -> connect(node)).isInstanceOf(ConnectException.class);
        assertThat(dispatcher.refresh(node, "offline-2")).failsWithin(PATIENCE);
        // Two heartbeats of a neighbour: a heartbeat the node sent just before going offline has landed by then.
        awaitHeartbeats(witness, 2);
        int whileOffline = callbacks.heartbeats(node.nodeId());
        awaitHeartbeats(witness, 3);
        assertThat(callbacks.heartbeats(node.nodeId())).as("heartbeats while offline").isEqualTo(whileOffline);

        fleet.setOffline(node.nodeId(), false);

        assertThat(fleet.isOffline(node.nodeId())).isFalse();
        await().atMost(PATIENCE).until(() -> callbacks.heartbeats(node.nodeId()) > whileOffline);
        assertThat(dispatcher.refresh(node, "offline-3").join().getStatus()).isEqualTo(202);
        assertThat(callbacks.awaitResult(Ids.subtaskId("offline-3", node.nodeId())).result().state())
                .isEqualTo(SubtaskState.DONE);
    }

    @Test
    void anUnknownNodeCannotBeSwitchedOffline() {
        assertThatThrownBy(() -> fleet.setOffline("nobody", true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no node 'nobody'");
    }

    @Test
    void withFailureRateOneEveryResultIsFailedWithTheSimulatedReason() throws Exception {
        try (Fleet failing = Fleet.start(FleetConfig.of(3, null, KEYS).withIdPrefix("fail-").withFirstBlock(3)
                .withFailureRate(1.0))) {
            for (FleetNode node : failing.nodes()) {
                assertThat(dispatcher.refresh(node, "fails-1").join().getStatus()).isEqualTo(202);
            }

            for (FleetNode node : failing.nodes()) {
                SubtaskResult result = callbacks.awaitResult(Ids.subtaskId("fails-1", node.nodeId())).result();
                assertThat(result.state()).isEqualTo(SubtaskState.FAILED);
                assertThat(result.items().list()).singleElement().satisfies(item -> {
                    assertThat(item.httpCode()).isEqualTo(503);
                    assertThat(item.error()).isEqualTo(
                            "simulated cache failure: the cache answered 503 (failure rate 1.0)");
                });
            }
            assertThat(failing.executions()).hasSize(3).allSatisfy(e -> {
                assertThat(e.state()).isEqualTo(SubtaskState.FAILED);
                assertThat(e.reason()).startsWith("simulated cache failure");
            });
        }
    }

    private static void awaitHeartbeats(FleetNode node, int more) {
        int from = callbacks.heartbeats(node.nodeId());
        await().atMost(PATIENCE).until(() -> callbacks.heartbeats(node.nodeId()) >= from + more);
    }

    private static void connect(FleetNode node) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(node.host(), node.port()), 1_000);
        }
    }
}
