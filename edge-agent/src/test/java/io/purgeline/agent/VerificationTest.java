package io.purgeline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.contracts.SubtaskResult;
import io.purgeline.contracts.SubtaskState;
import io.purgeline.contracts.TaskType;
import io.purgeline.contracts.Verification;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A purge that the cache answered 200 but did not carry out: verification ({@code options.verify}) catches it and
 * the item fails, naming what the cache said. The cache here is a stand-in that takes every PURGE and keeps serving
 * an hour-old copy; the real caches' answers are judged in the per-cache tests.
 */
class VerificationTest {
    private static RecordingServer cache;
    private static CallbackSink callbacks;
    private static AgentUnderTest agent;

    @BeforeAll
    static void start() throws Exception {
        cache = RecordingServer.start(r -> r.method().equals("PURGE") ? RecordingServer.Answer.of(200, "Purged")
                : new RecordingServer.Answer(200, Map.of("X-Cache", "HIT", "Age", "3600"), "old".getBytes()));
        callbacks = CallbackSink.start(AgentUnderTest.SECRET);
        agent = AgentUnderTest.start(cache.url(), callbacks.callbackApi(), Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        agent.close();
        callbacks.close();
        cache.close();
    }

    @Test
    void aPurgeWhoseUrlIsStillServedFromAnOldCopyFailsVerification() throws Exception {
        String subtaskId = "verify-fail@" + AgentUnderTest.NODE_ID;

        agent.send(SoftBatches.withOptions(agent.batch(subtaskId, TaskType.REFRESH, List.of("http://h.example/a.js")),
                SoftBatches.VERIFY));

        SubtaskResult result = callbacks.awaitResult(subtaskId);
        assertThat(result.state()).isEqualTo(SubtaskState.FAILED);
        assertThat(result.items().list()).singleElement().satisfies(item -> {
            assertThat(item.httpCode()).as("the purge itself was answered").isEqualTo(200);
            assertThat(item.verification().fresh()).isFalse();
            assertThat(item.verification().httpCode()).isEqualTo(200);
            assertThat(item.verification().evidence()).startsWith("X-Cache: HIT, Age: 3600: stored before the purge");
            assertThat(item.error()).isEqualTo("verification: the cache still serves a copy from before the purge ("
                    + item.verification().evidence() + ")");
        });
        assertThat(cache.received("/a.js")).extracting(RecordingServer.Received::method)
                .containsExactly("PURGE", "GET");
    }

    @Test
    void withoutVerifyTheResultCarriesNoVerification() throws Exception {
        String subtaskId = "verify-off@" + AgentUnderTest.NODE_ID;

        agent.send(agent.batch(subtaskId, TaskType.REFRESH, List.of("http://h.example/b.js")));

        SubtaskResult result = callbacks.awaitResult(subtaskId);
        assertThat(result.state()).isEqualTo(SubtaskState.DONE);
        assertThat(result.items().list()).singleElement().satisfies(item -> assertThat(item.verification()).isNull());
        assertThat(cache.received("/b.js")).extracting(RecordingServer.Received::method).containsExactly("PURGE");
    }

    @Test
    void freshnessReadsEachCachesHeaders() {
        assertThat(judge(0, "X-Cache", "MISS").fresh()).isTrue();
        assertThat(judge(0, "X-Cache", "MISS from purgeline-edge").fresh()).as("Squid").isTrue();
        assertThat(judge(0, "X-Cache", "EXPIRED").fresh()).as("nginx after expiry").isTrue();
        assertThat(judge(5, "X-Cache", "STALE", "Age", "0").fresh()).as("Varnish grace").isFalse();
        assertThat(judge(5, "X-Cache", "UPDATING").fresh()).as("nginx stale-while-updating").isFalse();
        assertThat(judge(2, "X-Cache", "HIT", "Age", "1").fresh()).as("cached again after the purge").isTrue();
        assertThat(judge(2, "X-Cache", "HIT", "Age", "3").fresh()).isFalse();
        assertThat(judge(2, "X-Cache", "HIT").fresh()).as("nginx: a hit without Age cannot be dated").isFalse();
        assertThat(judge(1, "Age", "7").fresh()).as("Traffic Server hit").isFalse();
        assertThat(judge(1).fresh()).as("Traffic Server miss: no Age").isTrue();
    }

    private static Verification judge(long secondsSincePurge, String... headerPairs) {
        HttpFields.Mutable headers = HttpFields.build();
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.put(headerPairs[i], headerPairs[i + 1]);
        }
        return Freshness.judge(200, headers, secondsSincePurge);
    }
}
