package io.purgeline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.purgeline.contracts.AgentBatch;
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

/** A redelivered dispatch brings the agent subtasks it is running or has just run: none is executed twice. */
class DuplicateSubtaskTest {
    private static final CountDownLatch slowCacheGate = new CountDownLatch(1);
    private static RecordingServer cache;
    private static CallbackSink callbacks;
    private static AgentUnderTest agent;

    @BeforeAll
    static void start() throws Exception {
        cache = RecordingServer.gatedCache(slowCacheGate);
        callbacks = CallbackSink.start(AgentUnderTest.SECRET);
        // One worker: subtasks run one after another, in the order they were queued.
        agent = AgentUnderTest.start(cache.url(), callbacks.callbackApi(), Map.of("PURGELINE_AGENT_WORKERS", "1"));
    }

    @AfterAll
    static void stop() throws Exception {
        slowCacheGate.countDown();
        agent.close();
        callbacks.close();
        cache.close();
    }

    @Test
    void aFinishedSubtaskDeliveredAgainIsNotExecutedButItsResultIsReportedAgainUnchanged() throws Exception {
        String subtaskId = "again-1@" + AgentUnderTest.NODE_ID;
        AgentBatch batch = agent.batch(subtaskId, TaskType.REFRESH, List.of("http://h/again/1.js"));
        long suppressedBefore = suppressed();
        long now = System.currentTimeMillis() / 1000;
        assertThat(agent.sendSignedAt(batch, now).getStatus()).isEqualTo(202);
        assertThat(callbacks.awaitResult(subtaskId).state()).isEqualTo(SubtaskState.DONE);

        ContentResponse redelivered = agent.sendSignedAt(batch, now - 1);

        assertThat(redelivered.getStatus()).isEqualTo(202);
        assertThat(redelivered.getContentAsString()).contains("\"duplicates\":1", "\"still_running\":[]");
        await().atMost(Duration.ofSeconds(10)).until(() -> callbacks.callbacksFor(subtaskId).size() == 2);
        List<RecordingServer.Received> reported = callbacks.callbacksFor(subtaskId);
        reported.forEach(callbacks::assertSigned);
        assertThat(reported.get(1).bodyText()).as("the remembered result, as first reported")
                .isEqualTo(reported.get(0).bodyText());
        assertThat(cache.received("/again/1.js")).as("purges sent to the cache").hasSize(1);
        assertThat(suppressed()).isEqualTo(suppressedBefore + 1);
    }

    @Test
    void aSubtaskDeliveredAgainWhileItRunsIsNotQueuedASecondTime() throws Exception {
        String subtaskId = "running-1@" + AgentUnderTest.NODE_ID;
        AgentBatch batch = agent.batch(subtaskId, TaskType.REFRESH, List.of("http://h/slow/running-1.js"));
        long now = System.currentTimeMillis() / 1000;
        assertThat(agent.sendSignedAt(batch, now).getStatus()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).until(() -> !cache.received("/slow/running-1.js").isEmpty());

        ContentResponse redelivered = agent.sendSignedAt(batch, now - 1);
        assertThat(redelivered.getStatus()).isEqualTo(202);
        assertThat(redelivered.getContentAsString()).as("its result is still to come")
                .contains("\"duplicates\":1", "\"still_running\":[\"" + subtaskId + "\"]");
        slowCacheGate.countDown();

        // The single worker takes subtasks in order: a second copy would run before this later one.
        String later = "running-2@" + AgentUnderTest.NODE_ID;
        assertThat(agent.send(agent.batch(later, TaskType.REFRESH, List.of("http://h/later.js"))).getStatus())
                .isEqualTo(202);
        assertThat(callbacks.awaitResult(subtaskId).state()).isEqualTo(SubtaskState.DONE);
        callbacks.awaitResult(later);
        assertThat(cache.received("/slow/running-1.js")).as("purges sent to the cache").hasSize(1);
        assertThat(callbacks.callbacksFor(subtaskId)).hasSize(1);
    }

    @Test
    void aSubtaskNamedTwiceInOneBatchIsExecutedOnce() throws Exception {
        String subtaskId = "twice-1@" + AgentUnderTest.NODE_ID;
        AgentBatch once = agent.batch(subtaskId, TaskType.REFRESH, List.of("http://h/twice/1.js"));
        AgentBatch twice = new AgentBatch(once.nodeId(), once.callbackApi(),
                List.of(once.subtasks().get(0), once.subtasks().get(0)));

        ContentResponse answer = agent.send(twice);

        assertThat(answer.getStatus()).isEqualTo(202);
        assertThat(answer.getContentAsString()).contains("\"duplicates\":1");
        callbacks.awaitResult(subtaskId);
        String later = "twice-2@" + AgentUnderTest.NODE_ID;
        agent.send(agent.batch(later, TaskType.REFRESH, List.of("http://h/twice/later.js")));
        callbacks.awaitResult(later);
        assertThat(cache.received("/twice/1.js")).hasSize(1);
    }

    private static long suppressed() throws Exception {
        return ((Number) agent.stats().get("duplicates_suppressed")).longValue();
    }
}
