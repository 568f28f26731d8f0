package io.purgeline.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Lane;
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

/** Sending one message's batches to its nodes over real HTTP, without the broker. */
class AgentClientTest {
    private static HttpClient http;
    private static AgentClient client;

    @BeforeAll
    static void start() throws Exception {
        http = io.purgeline.service.SignedPost.startClient("test", 4);
        client = new AgentClient(http, Codec.standard(), new AgentKeys("k", "s"),
                URI.create("http://127.0.0.1:8081/v1/agent/callback"), Duration.ofMillis(800));
    }

    @AfterAll
    static void stop() throws Exception {
        http.stop();
    }

    @Test
    void theNodesOfAMessageAreSentToAtTheSameTime() throws Exception {
        // Each agent answers only once the other has received its batch: sent one after the other, both time out.
        CountDownLatch bothArrived = new CountDownLatch(2);
        FakeAgent.Answer waitForTheOther = r -> {
            bothArrived.countDown();
            return bothArrived.await(2, TimeUnit.SECONDS) ? 202 : 500;
        };
        try (FakeAgent a = FakeAgent.start(waitForTheOther); FakeAgent b = FakeAgent.start(waitForTheOther)) {
            List<Delivery> deliveries = client.deliver(message(
                    new Assignment("t@a", "a", a.address(), 1), new Assignment("t@b", "b", b.address(), 1)));

            assertThat(deliveries).extracting(Delivery::ok).containsExactly(true, true);
            assertThat(deliveries).extracting(d -> d.assignment().nodeId()).containsExactly("a", "b");
        }
    }

    @Test
    void anAgentThatDoesNotAnswerInTimeIsAFailedDelivery() throws Exception {
        CountDownLatch neverOpened = new CountDownLatch(1);
        try (FakeAgent silent = FakeAgent.start(r -> {
            neverOpened.await(3, TimeUnit.SECONDS);
            return 202;
        })) {
            Delivery d = client.deliver(message(new Assignment("t@s", "s", silent.address(), 2))).get(0);

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
            Delivery d = client.deliver(message(new Assignment("t@r", "r", refusing.address(), 1))).get(0);

            assertThat(d.httpCode()).isEqualTo(401);
            assertThat(d.failure()).startsWith("answered 401 {");
        }
    }

    @Test
    void theSameDeliverySentTwiceInOneSecondIsSignedAnewEachTime() throws Exception {
        try (FakeAgent agent = FakeAgent.accepting()) {
            DispatchMessage twice = message(new Assignment("t@d", "d", agent.address(), 1));
            client.deliver(twice);
            client.deliver(twice);
            assertThat(agent.received()).extracting(FakeAgent.Received::token).doesNotHaveDuplicates();
        }
    }

    @Test
    void anAgentStillWorkingOnTheSubtaskSaysSo() throws Exception {
        try (FakeAgent agent = FakeAgent.working()) {
            DispatchMessage m = message(new Assignment("t@w", "w", agent.address(), 2));
            assertThat(client.deliver(m).get(0).stillRunning()).as("first delivery: newly queued").isFalse();
            Delivery again = client.deliver(m).get(0);
            assertThat(again.ok()).isTrue();
            assertThat(again.stillRunning()).isTrue();
        }
    }

    @Test
    void aNodeWithoutAPortIsNeverSentTo() {
        Delivery d = client.deliver(message(new Assignment("t@x", "x", "edge-x.example", 1))).get(0);

        assertThat(d.retryable()).isFalse();
        assertThat(d.finalReason()).isEqualTo("agent at edge-x.example cannot be sent to: address 'edge-x.example'"
                + " is not host:port");
    }

    private static DispatchMessage message(Assignment... assignments) {
        return new DispatchMessage("t", "c", TaskType.REFRESH_DIR, List.of("https://www.example.com/static/"),
                TaskOptions.NONE, 0, Lane.SLOW, Instant.now().plusSeconds(60), List.of(assignments));
    }
}
