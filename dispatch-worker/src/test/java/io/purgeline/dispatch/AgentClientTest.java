package io.purgeline.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.contracts.AgentBatch;
import io.purgeline.contracts.AgentSubtask;
import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Lane;
import io.purgeline.contracts.NodeKeys;
import io.purgeline.contracts.Signatures;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import io.purgeline.service.AgentKeys;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sending a node its batch over real HTTP, without the broker. */
class AgentClientTest {
    private static HttpClient http;
    private static AgentClient client;

    @BeforeAll
    static void start() throws Exception {
        http = io.purgeline.service.SignedPost.startClient("test", 4);
        client = new AgentClient(http, Codec.standard(), new AgentKeys(List.of("master")),
                URI.create("http://127.0.0.1:8081/v1/agent/callback"), Duration.ofMillis(800), Duration.ZERO);
    }

    @AfterAll
    static void stop() throws Exception {
        http.stop();
    }

    @Test
    void theSubtasksOfSeveralTasksForOneNodeGoInOneRequest() throws Exception {
        try (FakeAgent agent = FakeAgent.accepting()) {
            List<Delivery> deliveries = client.send(List.of(
                    parcel(message("t1"), new Assignment("t1@a", "a", agent.address(), 1)),
                    parcel(message("t2"), new Assignment("t2@a", "a", agent.address(), 1)))).get();

            assertThat(deliveries).extracting(Delivery::ok).containsExactly(true, true);
            assertThat(deliveries).extracting(d -> d.assignment().subtaskId()).containsExactly("t1@a", "t2@a");
            assertThat(agent.received()).hasSize(1);
            AgentBatch batch = agent.received().get(0).batch();
            assertThat(batch.nodeId()).isEqualTo("a");
            assertThat(batch.subtasks()).extracting(AgentSubtask::taskId).containsExactly("t1", "t2");
            assertThat(batch.subtasks()).extracting(AgentSubtask::callbackToken)
                    .containsExactly(Signatures.callbackToken(NodeKeys.derive("master", "a"), "t1@a"),
                            Signatures.callbackToken(NodeKeys.derive("master", "a"), "t2@a"));
            assertThat(agent.received().get(0).accessKey()).isEqualTo("a");
            assertThat(agent.received().get(0).signedWith(NodeKeys.derive("master", "a")))
                    .as("signed with the node's own key").isTrue();
        }
    }

    @Test
    void anAgentThatDoesNotAnswerInTimeIsAFailedDelivery() throws Exception {
        CountDownLatch neverOpened = new CountDownLatch(1);
        try (FakeAgent silent = FakeAgent.start(r -> {
            neverOpened.await(3, TimeUnit.SECONDS);
            return 202;
        })) {
            Delivery d = send(new Assignment("t@s", "s", silent.address(), 2)).get(0);

            assertThat(d.ok()).isFalse();
            assertThat(d.retryable()).isTrue();
            assertThat(d.failure()).isEqualTo("no answer within 800 ms");
            assertThat(d.finalReason()).isEqualTo("agent at " + silent.address()
                    + " unreachable after 2 attempts: no answer within 800 ms");
        }
    }

    @Test
    void anAgentRefusingTheSignatureIsAFailedDeliveryWithItsReason() throws Exception {
        try (FakeAgent refusing = FakeAgent.start(r -> 401)) {
            Delivery d = send(new Assignment("t@r", "r", refusing.address(), 1)).get(0);

            assertThat(d.httpCode()).isEqualTo(401);
            assertThat(d.failure()).startsWith("answered 401 {");
        }
    }

    @Test
    void theSameDeliverySentTwiceInOneSecondIsSignedAnewEachTime() throws Exception {
        try (FakeAgent agent = FakeAgent.accepting()) {
            Assignment twice = new Assignment("t@d", "d", agent.address(), 1);
            send(twice);
            send(twice);
            assertThat(agent.received()).extracting(FakeAgent.Received::token).doesNotHaveDuplicates();
        }
    }

    @Test
    void anAgentStillWorkingOnASubtaskSaysSoForThatSubtaskOnly() throws Exception {
        try (FakeAgent agent = FakeAgent.working()) {
            Assignment w = new Assignment("t@w", "w", agent.address(), 2);
            assertThat(send(w).get(0).stillRunning()).as("first delivery: newly queued").isFalse();
            List<Delivery> again = client.send(List.of(parcel(message("t"), w),
                    parcel(message("u"), new Assignment("u@w", "w", agent.address(), 1)))).get();
            assertThat(again).extracting(Delivery::ok).containsExactly(true, true);
            assertThat(again).extracting(Delivery::stillRunning).containsExactly(true, false);
        }
    }

    @Test
    void aNodeWithoutAPortIsNeverSentTo() throws Exception {
        Delivery d = send(new Assignment("t@x", "x", "edge-x.example", 1)).get(0);

        assertThat(d.retryable()).isFalse();
        assertThat(d.finalReason()).isEqualTo("agent at edge-x.example cannot be sent to: address 'edge-x.example'"
                + " is not host:port");
    }

    private static List<Delivery> send(Assignment a) throws Exception {
        return client.send(List.of(parcel(message("t"), a))).get();
    }

    static Parcel parcel(DispatchMessage m, Assignment a) {
        return new Parcel(Lane.SLOW, m, a, 0);
    }

    static DispatchMessage message(String taskId) {
        return new DispatchMessage(taskId, "c", TaskType.REFRESH_DIR, List.of("https://www.example.com/static/"),
                TaskOptions.NONE, 0, Lane.SLOW, Instant.now().plusSeconds(60), List.of());
    }
}
