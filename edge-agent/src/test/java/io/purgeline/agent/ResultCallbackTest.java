package io.purgeline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.purgeline.contracts.TaskType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Result callbacks reach callback-worker even when it is briefly unavailable; heartbeats flow on their own. */
class ResultCallbackTest {
    private static final AtomicInteger callbackCalls = new AtomicInteger();
    private static final AtomicInteger refusedTwiceCalls = new AtomicInteger();
    private static final String REFUSED_TWICE = "refused-twice@" + AgentUnderTest.NODE_ID;
    private static RecordingServer cache;
    private static CallbackSink callbacks;
    private static AgentUnderTest agent;

    @BeforeAll
    static void start() throws Exception {
        cache = RecordingServer.start(r -> RecordingServer.Answer.of(200, "Purged"));
        // The first result callback meets a callback-worker that is restarting.
        callbacks = CallbackSink.start(AgentUnderTest.SECRET, r -> {
            if (!r.pathAndQuery().equals(CallbackSink.CALLBACK_PATH)) {
                return RecordingServer.Answer.of(200, "{}");
            }
            boolean refuse = r.bodyText().contains(REFUSED_TWICE)
                    ? refusedTwiceCalls.incrementAndGet() <= 2
                    : callbackCalls.incrementAndGet() == 1;
            return refuse ? RecordingServer.Answer.of(503, "{\"error\":\"not_ready\"}")
                    : RecordingServer.Answer.of(200, "{}");
        });
        agent = AgentUnderTest.start(cache.url(), callbacks.callbackApi(), Map.of(
                "PURGELINE_HEARTBEAT_URL", callbacks.baseUrl(),
                "PURGELINE_HEARTBEAT_INTERVAL_MS", "100"));
    }

    @AfterAll
    static void stop() throws Exception {
        agent.close();
        callbacks.close();
        cache.close();
    }

    @Test
    void aResultRefusedWith503IsSentAgainUntilItIsAccepted() throws Exception {
        String subtaskId = "retry-1@" + AgentUnderTest.NODE_ID;
        agent.send(agent.batch(subtaskId, TaskType.REFRESH, List.of("http://h/a.js")));

        await().atMost(Duration.ofSeconds(10)).until(() -> callbacks.callbacksFor(subtaskId).size() == 2);
        List<RecordingServer.Received> sent = callbacks.callbacksFor(subtaskId);
        sent.forEach(callbacks::assertSigned);
        assertThat(sent.get(1).header("Timestamp")).as("the retry is signed anew")
                .isNotEqualTo(sent.get(0).header("Timestamp"));
        assertThat(sent.get(1).bodyText()).isEqualTo(sent.get(0).bodyText());
    }

    @Test
    void aRedeliveredSubtaskWhoseResultIsStillOnItsWayDoesNotStartASecondStreamOfCallbacks() throws Exception {
        agent.send(agent.batch(REFUSED_TWICE, TaskType.REFRESH, List.of("http://h/b.js")));
        await().atMost(Duration.ofSeconds(10)).until(() -> callbacks.callbacksFor(REFUSED_TWICE).size() == 1);
        // The dispatcher sends the subtask again while its result is being retried.
        agent.send(agent.batch(REFUSED_TWICE, TaskType.REFRESH, List.of("http://h/b.js")));

        await().atMost(Duration.ofSeconds(15)).until(() -> callbacks.callbacksFor(REFUSED_TWICE).size() == 3);
        // Accepted on its third attempt; no other callback for it is in flight, so the count stays at three.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> callbacks.callbacksFor(REFUSED_TWICE).size() == 3);
    }

    @Test
    void heartbeatsReportTheNodeItsCacheAndItsQueues() {
        await().atMost(Duration.ofSeconds(5)).until(() -> callbacks.heartbeats().size() >= 2);

        assertThat(callbacks.heartbeats()).allSatisfy(hb -> {
            assertThat(hb.nodeId()).isEqualTo(AgentUnderTest.NODE_ID);
            assertThat(hb.cache()).isEqualTo("varnish");
            assertThat(hb.version()).isNotBlank();
            assertThat(hb.queued()).isGreaterThanOrEqualTo(0);
        });
    }
}
