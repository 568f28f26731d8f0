package io.purgeline.agent;

import io.purgeline.contracts.AgentBatch;
import io.purgeline.contracts.AgentSubtask;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.Encoded;
import io.purgeline.contracts.Signatures;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import io.purgeline.service.Env;
import io.purgeline.service.SignedPost;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpMethod;

/** An agent started in-process for a test, and the dispatcher's side of the link to it. */
final class AgentUnderTest implements AutoCloseable {
    static final String NODE_ID = "edge-test-1";
    /** Requests on the agent links are signed with the node id as access key and the node's own key. */
    static final String ACCESS_KEY = NODE_ID;
    static final String SECRET = "test-node-key";

    private final AgentWorker agent;
    private final HttpClient client;
    private final String callbackApi;

    private AgentUnderTest(AgentWorker agent, HttpClient client, String callbackApi) {
        this.agent = agent;
        this.client = client;
        this.callbackApi = callbackApi;
    }

    /** Starts an agent for the cache at {@code cacheUrl} reporting to {@code callbackApi}; {@code extra} overrides. */
    static AgentUnderTest start(String cacheUrl, String callbackApi, Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of(
                "PURGELINE_NODE_ID", NODE_ID,
                "PURGELINE_HTTP_PORT", "0",
                "PURGELINE_CACHE_URL", cacheUrl,
                "PURGELINE_NODE_KEYS", SECRET));
        env.putAll(extra);
        AgentWorker agent = AgentWorker.start(new Env(env));
        return new AgentUnderTest(agent, SignedPost.startClient("test-dispatcher", 8), callbackApi);
    }

    URI taskUri() {
        return URI.create("http://127.0.0.1:" + agent.port() + TaskEndpoint.PATH);
    }

    HttpClient client() {
        return client;
    }

    /** A one-subtask batch for this agent, as the dispatcher builds it. */
    AgentBatch batch(String subtaskId, TaskType type, List<String> targets) {
        String taskId = subtaskId.substring(0, subtaskId.indexOf('@'));
        return new AgentBatch(NODE_ID, callbackApi, List.of(new AgentSubtask(subtaskId, taskId, type,
                type == TaskType.REFRESH || type == TaskType.PREFETCH ? targets : null,
                type == TaskType.REFRESH_DIR ? targets : null,
                type == TaskType.REFRESH_TAG ? targets : null,
                TaskOptions.NONE, Signatures.callbackToken(SECRET, subtaskId))));
    }

    /** Posts the batch signed correctly and returns the agent's answer. */
    ContentResponse send(AgentBatch batch) throws Exception {
        return send(Codec.standard().encode(batch));
    }

    ContentResponse send(Encoded body) throws Exception {
        return SignedPost.send(client, taskUri(), body, ACCESS_KEY, SECRET, Duration.ofSeconds(5)).get();
    }

    /** Posts the batch signed correctly to the task URI with a query ({@code answer_ms=…}). */
    ContentResponse send(AgentBatch batch, String query) throws Exception {
        return SignedPost.send(client, URI.create(taskUri() + "?" + query), Codec.standard().encode(batch), ACCESS_KEY,
                SECRET, Duration.ofSeconds(5)).get();
    }

    /**
     * Posts the batch signed with the given timestamp, as a redelivery signed at another moment would be (the same
     * body signed within the same second makes the same token, which the agent refuses as a replay).
     */
    ContentResponse sendSignedAt(AgentBatch batch, long timestamp) throws Exception {
        byte[] body = Codec.standard().toJson(batch).getBytes(StandardCharsets.UTF_8);
        return client.newRequest(taskUri())
                .method(HttpMethod.POST)
                .headers(h -> {
                    h.put(Signatures.ACCESS_KEY, ACCESS_KEY);
                    h.put(Signatures.TIMESTAMP, Long.toString(timestamp));
                    h.put(Signatures.TOKEN, Signatures.sign(SECRET, "POST", TaskEndpoint.PATH, timestamp, body));
                })
                .body(new BytesRequestContent("application/json", body))
                .timeout(5, TimeUnit.SECONDS)
                .send();
    }

    /** The agent's {@code GET /metrics}, Prometheus text. */
    String metrics() throws Exception {
        return client.newRequest("http://127.0.0.1:" + agent.port() + "/metrics").timeout(5, TimeUnit.SECONDS).send()
                .getContentAsString();
    }

    /** The agent's {@code GET /stats}. */
    Map<String, Object> stats() throws Exception {
        ContentResponse r = client.newRequest("http://127.0.0.1:" + agent.port() + "/stats")
                .timeout(5, TimeUnit.SECONDS).send();
        @SuppressWarnings("unchecked")
        Map<String, Object> stats = Codec.standard().fromJson(r.getContentAsString(), Map.class);
        return stats;
    }

    @Override
    public void close() throws Exception {
        agent.close();
        client.stop();
    }
}
