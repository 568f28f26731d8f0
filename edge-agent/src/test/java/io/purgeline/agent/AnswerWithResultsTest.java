package io.purgeline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.purgeline.contracts.BatchQueued;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.Signatures;
import io.purgeline.contracts.SubtaskResult;
import io.purgeline.contracts.SubtaskState;
import io.purgeline.contracts.TaskType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A dispatcher that asks with {@code answer_ms} gets the results of the batch in the agent's answer, and only those
 * that did not finish in time come by callback; each result goes one way only.
 */
class AnswerWithResultsTest {
    private static final CountDownLatch slowCacheGate = new CountDownLatch(1);
    private static RecordingServer cache;
    private static CallbackSink callbacks;
    private static AgentUnderTest agent;

    @BeforeAll
    static void start() throws Exception {
        cache = RecordingServer.gatedCache(slowCacheGate);
        callbacks = CallbackSink.start(AgentUnderTest.SECRET);
        agent = AgentUnderTest.start(cache.url(), callbacks.callbackApi(), Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        slowCacheGate.countDown();
        agent.close();
        callbacks.close();
        cache.close();
    }

    private static BatchQueued answerOf(ContentResponse r) {
        assertThat(r.getStatus()).isEqualTo(202);
        return Codec.standard().decode(r.getContent(), r.getHeaders().get("Content-Encoding"), BatchQueued.class);
    }

    private static void noCallbackFor(String subtaskId) {
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2))
                .until(() -> callbacks.callbacksFor(subtaskId).isEmpty());
    }

    @Test
    void aQuickPurgeComesBackInTheAnswerAndNotByCallback() throws Exception {
        String id = "held-1@" + AgentUnderTest.NODE_ID;

        BatchQueued answer = answerOf(agent.send(agent.batch(id, TaskType.REFRESH,
                List.of("http://cdn.example.org/held.png")), "answer_ms=5000"));

        assertThat(answer.results()).singleElement().satisfies(r -> {
            assertThat(r.subtaskId()).isEqualTo(id);
            assertThat(r.state()).isEqualTo(SubtaskState.DONE);
            assertThat(r.callbackToken()).isEqualTo(Signatures.callbackToken(AgentUnderTest.SECRET, id));
            assertThat(r.items().list()).singleElement().satisfies(i -> {
                assertThat(i.httpCode()).isEqualTo(200);
                assertThat(i.target()).isEqualTo("http://cdn.example.org/held.png");
            });
        });
        assertThat(cache.received("/held.png")).hasSize(1);
        noCallbackFor(id);
    }

    @Test
    void askedForImpliedTargetsTheAnswerLeavesOutTheTargetsThatTheItemsPositionsName() throws Exception {
        String id = "held-implied@" + AgentUnderTest.NODE_ID;
        List<String> urls = List.of("http://cdn.example.org/implied/a.png", "http://cdn.example.org/implied/b.png");

        ContentResponse r = agent.send(agent.batch(id, TaskType.REFRESH, urls), "answer_ms=5000&implied_targets=1");

        assertThat(answerOf(r).results()).singleElement().satisfies(result -> {
            assertThat(result.state()).isEqualTo(SubtaskState.DONE);
            assertThat(result.items().json()).doesNotContain("target").doesNotContain("implied/");
            assertThat(result.items().list()).hasSize(2).allSatisfy(i -> {
                assertThat(i.target()).isNull();
                assertThat(i.httpCode()).isEqualTo(200);
            });
        });
        assertThat(cache.received("/implied/a.png")).hasSize(1);
        assertThat(cache.received("/implied/b.png")).hasSize(1);
        noCallbackFor(id);
    }

    @Test
    void askedForRowsTheAnswerWritesItemsAsRowsAndARememberedResultInTheFormEachAnswerAsks() throws Exception {
        String id = "held-rows@" + AgentUnderTest.NODE_ID;
        List<String> urls = List.of("http://cdn.example.org/rows/a.png", "http://cdn.example.org/rows/b.png");
        var batch = agent.batch(id, TaskType.REFRESH, urls);

        ContentResponse r = agent.send(batch, "answer_ms=5000&implied_targets=1&item_rows=1");

        assertThat(r.getContentAsString()).contains("\"items\":[[200,0,").doesNotContain("rows/")
                .doesNotContain("http_code");
        assertThat(answerOf(r).results()).singleElement().satisfies(result -> {
            assertThat(result.state()).isEqualTo(SubtaskState.DONE);
            assertThat(result.items().list()).hasSize(2).allSatisfy(i -> {
                assertThat(i.target()).isNull();
                assertThat(i.httpCode()).isEqualTo(200);
            });
        });
        // Sent again, the remembered result: as objects with their targets to a dispatcher that asks for neither,
        // as rows to one that asks for rows.
        ContentResponse objects = agent.send(batch, "answer_ms=5000&nonce=objects");
        assertThat(objects.getContentAsString()).contains("{\"target\":\"http://cdn.example.org/rows/a.png\","
                + "\"http_code\":200,");
        assertThat(answerOf(objects).results().get(0).items().list()).extracting(ItemResult::target)
                .containsExactlyElementsOf(urls);
        ContentResponse rows = agent.send(batch, "answer_ms=5000&implied_targets=1&item_rows=1&nonce=rows");
        assertThat(rows.getContentAsString()).contains("\"items\":[[200,0,");
        assertThat(answerOf(rows).duplicates()).isEqualTo(1);
        assertThat(cache.received("/rows/a.png")).hasSize(1);
        noCallbackFor(id);
    }

    @ParameterizedTest
    @CsvSource({"implied_targets, yes, y", "item_rows, true, z"})
    void anAnswerFormFlagOtherThan1IsRefusedWith400(String flag, String value, String file) throws Exception {
        ContentResponse r = agent.send(agent.batch("held-" + flag + "@" + AgentUnderTest.NODE_ID, TaskType.REFRESH,
                List.of("http://cdn.example.org/" + file + ".png")), "answer_ms=100&" + flag + "=" + value);

        assertThat(r.getStatus()).isEqualTo(400);
        assertThat(r.getContentAsString()).contains(flag + " must be 1 when given, got '" + value + "'");
        assertThat(cache.received("/" + file + ".png")).isEmpty();
    }

    @Test
    void aPurgeSlowerThanTheWaitIsAnsweredWithoutItAndReportedByCallback() throws Exception {
        String id = "held-2@" + AgentUnderTest.NODE_ID;
        long start = System.nanoTime();

        BatchQueued answer = answerOf(agent.send(agent.batch(id, TaskType.REFRESH,
                List.of("http://cdn.example.org/slow/held.png")), "answer_ms=150"));

        assertThat(answer.results()).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
        assertThat(callbacks.callbacksFor(id)).isEmpty();
        slowCacheGate.countDown();
        assertThat(callbacks.awaitResult(id).state()).isEqualTo(SubtaskState.DONE);
    }

    @Test
    void aRedeliveredFinishedSubtaskIsAnsweredWithItsRememberedResult() throws Exception {
        String id = "held-3@" + AgentUnderTest.NODE_ID;
        var batch = agent.batch(id, TaskType.REFRESH, List.of("http://cdn.example.org/again.png"));
        SubtaskResult first = answerOf(agent.send(batch, "answer_ms=5000")).results().get(0);

        BatchQueued again = answerOf(agent.send(batch, "answer_ms=5000&nonce=again"));

        assertThat(again.duplicates()).isEqualTo(1);
        assertThat(again.results()).containsExactly(first);
        assertThat(cache.received("/again.png")).hasSize(1);
        noCallbackFor(id);
    }

    @Test
    void withoutAnswerMsEveryResultGoesByCallback() throws Exception {
        String id = "held-4@" + AgentUnderTest.NODE_ID;

        BatchQueued answer = answerOf(agent.send(agent.batch(id, TaskType.REFRESH,
                List.of("http://cdn.example.org/plain.png"))));

        assertThat(answer.results()).isEmpty();
        assertThat(callbacks.awaitResult(id).state()).isEqualTo(SubtaskState.DONE);
    }

    @Test
    void anAnswerMsOutOfRangeIsRefusedWith400() throws Exception {
        ContentResponse r = agent.send(agent.batch("held-5@" + AgentUnderTest.NODE_ID, TaskType.REFRESH,
                List.of("http://cdn.example.org/x.png")), "answer_ms=600000");

        assertThat(r.getStatus()).isEqualTo(400);
        assertThat(r.getContentAsString()).contains("answer_ms must be a whole number of milliseconds from 0 to 10000");
    }
}
