package io.purgeline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.purgeline.contracts.TaskType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Results that finish while a callback is on its way are reported together in the next one: a busy node makes one
 * exchange for many results, a quiet one reports each result at once.
 */
class ResultBatchingTest {
    @Test
    void resultsFinishedWhileACallbackIsOnItsWayGoTogetherInTheNextCallback() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean first = new AtomicBoolean(true);
        try (RecordingServer cache = RecordingServer.start(r -> RecordingServer.Answer.of(200, "Purged"));
                CallbackSink callbacks = CallbackSink.start(AgentUnderTest.SECRET, r -> {
                    if (r.pathAndQuery().equals(CallbackSink.CALLBACK_PATH) && first.getAndSet(false)) {
                        release.await(10, TimeUnit.SECONDS);
                    }
                    return RecordingServer.Answer.of(200, "{}");
                });
                AgentUnderTest agent = AgentUnderTest.start(cache.url(), callbacks.callbackApi(), Map.of())) {
            String node = AgentUnderTest.NODE_ID;
            agent.send(agent.batch("quiet@" + node, TaskType.REFRESH, List.of("http://h/quiet.js")));
            await().atMost(Duration.ofSeconds(10)).until(() -> callbacks.callbacks().size() == 1);
            for (int i = 1; i <= 3; i++) {
                agent.send(agent.batch("busy-" + i + "@" + node, TaskType.REFRESH, List.of("http://h/busy-" + i
                        + ".js")));
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ((Number) agent.stats().get("callbacks_pending")).intValue() == 4);
            release.countDown();

            await().atMost(Duration.ofSeconds(10)).until(() -> callbacks.callbacks().size() == 2);
            List<List<String>> reported = callbacks.reportedPerCallback();
            assertThat(reported.get(0)).containsExactly("quiet@" + node);
            assertThat(reported.get(1)).containsExactlyInAnyOrder("busy-1@" + node, "busy-2@" + node,
                    "busy-3@" + node);
            callbacks.callbacks().forEach(callbacks::assertSigned);
        }
    }
}
