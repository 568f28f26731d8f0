package io.purgeline.dispatch;

import static io.purgeline.dispatch.AgentClientTest.message;
import static io.purgeline.dispatch.AgentClientTest.parcel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.purgeline.contracts.AgentSubtask;
import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.Codec;
import io.purgeline.service.AgentKeys;
import io.purgeline.service.SignedPost;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Per-node outboxes over real HTTP: what waits for a node goes together, and no node waits for another. */
class NodeOutboxesTest {
    private static HttpClient http;
    private static AgentClient agents;

    private final List<Delivery> answered = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        http = SignedPost.startClient("test", 2);
        agents = new AgentClient(http, Codec.standard(), new AgentKeys(List.of("master")),
                URI.create("http://127.0.0.1:8081/v1/agent/callback"), Duration.ofSeconds(10), Duration.ZERO);
    }

    @AfterAll
    static void stop() throws Exception {
        http.stop();
    }

    private NodeOutboxes outboxes(int capacity) {
        return new NodeOutboxes(agents, (parcels, deliveries) -> answered.addAll(deliveries), capacity,
                new SimpleMeterRegistry());
    }

    @Test
    void whatWaitsForANodeWhileItsRequestIsOutGoesInItsNextRequestTogether() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (FakeAgent agent = FakeAgent.start(r -> release.await(10, TimeUnit.SECONDS) ? 202 : 500)) {
            NodeOutboxes out = outboxes(100);
            out.send(List.of(parcel(message("t1"), new Assignment("t1@a", "a", agent.address(), 1))));
            await().until(() -> agent.received().size() == 1);
            out.send(List.of(parcel(message("t2"), new Assignment("t2@a", "a", agent.address(), 1))));
            out.send(List.of(parcel(message("t3"), new Assignment("t3@a", "a", agent.address(), 1))));
            release.countDown();

            await().until(() -> answered.size() == 3);
            assertThat(agent.received()).hasSize(2);
            assertThat(agent.received().get(1).batch().subtasks()).extracting(AgentSubtask::taskId)
                    .containsExactly("t2", "t3");
            assertThat(answered).allMatch(Delivery::ok);
            out.close();
            assertThat(out.pending()).isZero();
        }
    }

    @Test
    void aNodeThatDoesNotAnswerDelaysNoOtherNode() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (FakeAgent silent = FakeAgent.start(r -> release.await(10, TimeUnit.SECONDS) ? 202 : 500);
                FakeAgent healthy = FakeAgent.accepting()) {
            NodeOutboxes out = outboxes(100);
            // One lane message for both nodes, as ingest chunks them: the healthy node must not wait for the silent.
            out.send(List.of(parcel(message("t"), new Assignment("t@s", "s", silent.address(), 1)),
                    parcel(message("t"), new Assignment("t@h", "h", healthy.address(), 1))));
            out.send(List.of(parcel(message("u"), new Assignment("u@h", "h", healthy.address(), 1))));

            await().until(() -> answered.size() == 2);
            assertThat(answered).extracting(d -> d.assignment().nodeId()).containsOnly("h");
            assertThat(out.pending()).as("the silent node's parcel is still out").isEqualTo(1);
            release.countDown();
            await().until(() -> answered.size() == 3);
        }
    }

    @Test
    void aFullOutboxMakesTheLaneConsumerWaitUntilThereIsRoom() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (FakeAgent agent = FakeAgent.start(r -> release.await(10, TimeUnit.SECONDS) ? 202 : 500)) {
            NodeOutboxes out = outboxes(1);
            out.send(List.of(parcel(message("t1"), new Assignment("t1@a", "a", agent.address(), 1))));
            CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
                try {
                    out.send(List.of(parcel(message("t2"), new Assignment("t2@a", "a", agent.address(), 1))));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().during(Duration.ofMillis(300)).until(() -> !second.isDone());
            release.countDown();
            second.get(10, TimeUnit.SECONDS);
            await().until(() -> answered.size() == 2);
        }
    }
}
