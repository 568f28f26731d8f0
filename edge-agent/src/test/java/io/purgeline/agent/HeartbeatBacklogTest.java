package io.purgeline.agent;

import static org.awaitility.Awaitility.await;

import io.purgeline.contracts.TaskType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * A backlog of result callbacks that callback-worker does not answer never holds up the node's heartbeats: queued
 * behind the results, they would arrive late and get a busy node marked offline.
 */
class HeartbeatBacklogTest {
    @Test
    void heartbeatsKeepComingWhileEveryConnectionForResultsIsHeld() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (RecordingServer cache = RecordingServer.start(r -> RecordingServer.Answer.of(200, "Purged"));
                CallbackSink callbacks = CallbackSink.start(AgentUnderTest.SECRET, r -> {
                    if (r.pathAndQuery().equals(CallbackSink.CALLBACK_PATH)) {
                        release.await();
                    }
                    return RecordingServer.Answer.of(200, "{}");
                });
                AgentUnderTest agent = AgentUnderTest.start(cache.url(), callbacks.callbackApi(), Map.of(
                        "PURGELINE_HEARTBEAT_URL", callbacks.baseUrl(),
                        "PURGELINE_HEARTBEAT_INTERVAL_MS", "100",
                        "PURGELINE_CALLBACK_TIMEOUT_MS", "30000",
                        "PURGELINE_AGENT_WORKERS", "1"))) {
            try {
                for (int i = 0; i < 12; i++) {
                    agent.send(agent.batch("held-" + i + "@" + AgentUnderTest.NODE_ID, TaskType.REFRESH,
                            List.of("http://h/held/" + i + ".js")));
                }
                // Every result done and waiting to be reported, behind a callback that is held unanswered.
                await().atMost(Duration.ofSeconds(10)).until(() -> cache.received().size() == 12
                        && callbacksHeld(callbacks) >= 1
                        && ((Number) agent.stats().get("callbacks_pending")).intValue() == 12);

                int before = callbacks.heartbeats().size();
                await().atMost(Duration.ofSeconds(5)).until(() -> callbacks.heartbeats().size() >= before + 5);
            } finally {
                release.countDown();
            }
        }
    }

    private static long callbacksHeld(CallbackSink callbacks) {
        return callbacks.callbacks().size();
    }
}
