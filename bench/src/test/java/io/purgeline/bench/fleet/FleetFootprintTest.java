package io.purgeline.bench.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.purgeline.contracts.Ids;
import io.purgeline.service.AgentKeys;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;

/** What a fleet costs this JVM: its threads are shared by all nodes, so they do not grow with the fleet. */
class FleetFootprintTest {
    private static final int NODES = 300;
    private static final AgentKeys KEYS = new AgentKeys(List.of("footprint-test-master"));

    @Test
    void threeHundredNodesAtWorkRunOnAFewDozenThreads() throws Exception {
        try (CallbackRecorder callbacks = CallbackRecorder.start(KEYS);
                TestDispatcher dispatcher = TestDispatcher.start(KEYS, callbacks.callbackApi())) {
            Footprint before = Footprint.measure();
            try (Fleet fleet = Fleet.start(FleetConfig.of(NODES, URI.create(callbacks.baseUrl()), KEYS)
                    .withIdPrefix("fp-").withFirstBlock(4).withHeartbeatInterval(Duration.ofSeconds(1)))) {
                // Every node at work once: a batch in, its result out, heartbeats going.
                List<CompletableFuture<ContentResponse>> answers = fleet.nodes().stream()
                        .map(n -> dispatcher.refresh(n, "footprint-1")).toList();
                assertThat(answers).allSatisfy(a -> assertThat(a.join().getStatus()).isEqualTo(202));
                callbacks.awaitResults(fleet.nodes().stream()
                        .map(n -> Ids.subtaskId("footprint-1", n.nodeId())).toList());
                await().atMost(Duration.ofSeconds(15))
                        .until(() -> fleet.nodes().stream().allMatch(n -> callbacks.heartbeats(n.nodeId()) > 0));

                Footprint after = Footprint.measure();
                int fleetThreads = Footprint.threadsNamed(Fleet.NAME);
                System.out.printf("fleet of %d nodes at work: %d threads of its own (%.2f per node); %s in this JVM"
                                + " (the test's dispatcher and callback recorder included), %d MB more than before"
                                + " the fleet (%.0f KB per node)%n", NODES, fleetThreads,
                        fleetThreads / (double) NODES, after, after.heapUsedMb() - before.heapUsedMb(),
                        (after.heapUsedBytes() - before.heapUsedBytes()) / 1024.0 / NODES);
                assertThat(fleetThreads).as("threads of a fleet of %d nodes", NODES).isLessThan(NODES / 6);
            }
        }
    }
}
