package io.purgeline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.contracts.AgentBatch;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.Encoded;
import io.purgeline.contracts.Signatures;
import io.purgeline.contracts.SubtaskState;
import io.purgeline.contracts.TaskType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/agent/task}: what the agent accepts and what it refuses, in front of a stand-in cache. */
class TaskEndpointTest {
    private static final CountDownLatch slowCacheGate = new CountDownLatch(1);
    private static RecordingServer cache;
    private static CallbackSink callbacks;
    private static AgentUnderTest agent;

    @BeforeAll
    static void start() throws Exception {
        cache = RecordingServer.gatedCache(slowCacheGate);
        callbacks = CallbackSink.start(AgentUnderTest.SECRET);
        agent = AgentUnderTest.start(cache.url(), callbacks.callbackApi(), Map.of(
                "PURGELINE_AGENT_WORKERS", "1",
                "PURGELINE_AGENT_QUEUE", "1"));
    }

    @AfterAll
    static void stop() throws Exception {
        slowCacheGate.countDown();
        agent.close();
        callbacks.close();
        cache.close();
    }

    @Test
    void aCorrectlySignedSnappyBatchIsAcceptedAndWorkedOn() throws Exception {
        Encoded snappy = new Codec(0).encode(agent.batch("snappy-1@" + AgentUnderTest.NODE_ID, TaskType.REFRESH,
                List.of("http://cdn.example.org/a.png")));
        assertThat(snappy.compressed()).isTrue();

        assertThat(agent.send(snappy).getStatus()).isEqualTo(202);

        assertThat(callbacks.awaitResult("snappy-1@" + AgentUnderTest.NODE_ID).state()).isEqualTo(SubtaskState.DONE);
        assertThat(cache.received("/a.png")).singleElement().satisfies(r -> {
            assertThat(r.method()).isEqualTo("PURGE");
            assertThat(r.header("Host")).isEqualTo("cdn.example.org");
        });
    }

    @Test
    void aBatchSignedWithAnotherSecretIsRefusedWith401() throws Exception {
        byte[] body = json(agent.batch("sig-1@" + AgentUnderTest.NODE_ID, TaskType.REFRESH, List.of("http://h/x")));
        long now = System.currentTimeMillis() / 1000;

        ContentResponse answer = post(body, AgentUnderTest.ACCESS_KEY, now,
                Signatures.sign("not-the-secret", "POST", TaskEndpoint.PATH, now, body));

        assertThat(answer.getStatus()).isEqualTo(401);
        assertThat(answer.getContentAsString()).contains("Token does not match");
        assertThat(agent.metrics()).contains("purgeline_refused_total{reason=\"bad_signature\"");
    }

    @Test
    void aBatchWithAStaleTimestampIsRefusedWith401() throws Exception {
        byte[] body = json(agent.batch("sig-2@" + AgentUnderTest.NODE_ID, TaskType.REFRESH, List.of("http://h/x")));
        long stale = System.currentTimeMillis() / 1000 - 120;

        ContentResponse answer = post(body, AgentUnderTest.ACCESS_KEY, stale,
                Signatures.sign(AgentUnderTest.SECRET, "POST", TaskEndpoint.PATH, stale, body));

        assertThat(answer.getStatus()).isEqualTo(401);
        assertThat(answer.getContentAsString()).contains("away from this server's clock");
    }

    @Test
    void aBatchWithAnUnknownAccessKeyIsRefusedWith401() throws Exception {
        byte[] body = json(agent.batch("sig-3@" + AgentUnderTest.NODE_ID, TaskType.REFRESH, List.of("http://h/x")));
        long now = System.currentTimeMillis() / 1000;

        ContentResponse answer = post(body, "someone-else", now,
                Signatures.sign(AgentUnderTest.SECRET, "POST", TaskEndpoint.PATH, now, body));

        assertThat(answer.getStatus()).isEqualTo(401);
        assertThat(answer.getContentAsString()).contains("access key 'someone-else' is unknown");
    }

    @Test
    void aReplayedRequestIsRefusedWith401() throws Exception {
        byte[] body = json(agent.batch("replay-1@" + AgentUnderTest.NODE_ID, TaskType.REFRESH, List.of("http://h/r")));
        long now = System.currentTimeMillis() / 1000;
        String token = Signatures.sign(AgentUnderTest.SECRET, "POST", TaskEndpoint.PATH, now, body);

        assertThat(post(body, AgentUnderTest.ACCESS_KEY, now, token).getStatus()).isEqualTo(202);
        ContentResponse replay = post(body, AgentUnderTest.ACCESS_KEY, now, token);

        assertThat(replay.getStatus()).isEqualTo(401);
        assertThat(replay.getContentAsString()).contains("already used");
        callbacks.awaitResult("replay-1@" + AgentUnderTest.NODE_ID);
    }

    @Test
    void anUndecodableBodyIsRefusedWith400() throws Exception {
        ContentResponse answer = agent.send(new Encoded("{\"node_id\": [".getBytes(StandardCharsets.UTF_8), null));

        assertThat(answer.getStatus()).isEqualTo(400);
        assertThat(answer.getContentAsString()).contains("bad_body").contains("AgentBatch");
    }

    @Test
    void aBodyMarkedSnappyThatIsNotIsRefusedWith400() throws Exception {
        ContentResponse answer = agent.send(new Encoded("{}".getBytes(StandardCharsets.UTF_8), Codec.SNAPPY));

        assertThat(answer.getStatus()).isEqualTo(400);
        assertThat(answer.getContentAsString()).contains("snappy");
    }

    @Test
    void aBatchForAnotherNodeIsRefusedWith400() throws Exception {
        AgentBatch mine = agent.batch("other-1@edge-99", TaskType.REFRESH, List.of("http://h/x"));

        ContentResponse answer = agent.send(new AgentBatch("edge-99", mine.callbackApi(), mine.subtasks()));

        assertThat(answer.getStatus()).isEqualTo(400);
        assertThat(answer.getContentAsString()).contains("wrong_node").contains("edge-99");
    }

    @Test
    void aSubtaskWithoutTargetsIsRefusedWith400() throws Exception {
        ContentResponse answer = agent.send(agent.batch("empty-1@" + AgentUnderTest.NODE_ID, TaskType.REFRESH_DIR,
                List.of()));

        assertThat(answer.getStatus()).isEqualTo(400);
        assertThat(answer.getContentAsString()).contains("needs a non-empty list of dirs");
    }

    @Test
    void batchesBeyondTheQueueAreRefusedWith503UntilItDrains() throws Exception {
        // One worker and room for one waiting subtask: the first batch blocks in the cache, the second waits.
        assertThat(agent.send(agent.batch("busy-1@" + AgentUnderTest.NODE_ID, TaskType.REFRESH,
                List.of("http://h/slow/1"))).getStatus()).isEqualTo(202);
        assertThat(agent.send(agent.batch("busy-2@" + AgentUnderTest.NODE_ID, TaskType.REFRESH,
                List.of("http://h/slow/2"))).getStatus()).isEqualTo(202);

        ContentResponse full = agent.send(agent.batch("busy-3@" + AgentUnderTest.NODE_ID, TaskType.REFRESH,
                List.of("http://h/slow/3")));
        assertThat(full.getStatus()).isEqualTo(503);
        assertThat(full.getContentAsString()).contains("no room");

        slowCacheGate.countDown();
        callbacks.awaitResult("busy-1@" + AgentUnderTest.NODE_ID);
        callbacks.awaitResult("busy-2@" + AgentUnderTest.NODE_ID);
        assertThat(agent.send(agent.batch("busy-3@" + AgentUnderTest.NODE_ID, TaskType.REFRESH,
                List.of("http://h/slow/3"))).getStatus()).isEqualTo(202);
        assertThat(callbacks.awaitResult("busy-3@" + AgentUnderTest.NODE_ID).state()).isEqualTo(SubtaskState.DONE);
    }

    private static byte[] json(AgentBatch batch) {
        return Codec.standard().toJson(batch).getBytes(StandardCharsets.UTF_8);
    }

    private static ContentResponse post(byte[] body, String accessKey, long timestamp, String token) throws Exception {
        return agent.client().newRequest(agent.taskUri())
                .method(HttpMethod.POST)
                .headers(h -> {
                    h.put(Signatures.ACCESS_KEY, accessKey);
                    h.put(Signatures.TIMESTAMP, Long.toString(timestamp));
                    h.put(Signatures.TOKEN, token);
                })
                .body(new BytesRequestContent("application/json", body))
                .timeout(5, TimeUnit.SECONDS)
                .send();
    }
}
