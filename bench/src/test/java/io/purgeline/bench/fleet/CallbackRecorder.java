package io.purgeline.bench.fleet;

import static org.awaitility.Awaitility.await;

import io.purgeline.contracts.AgentCallback;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.Heartbeat;
import io.purgeline.contracts.Signatures;
import io.purgeline.contracts.SubtaskResult;
import io.purgeline.service.AgentKeys;
import io.purgeline.service.HttpCall;
import io.purgeline.service.HttpConfig;
import io.purgeline.service.HttpError;
import io.purgeline.service.HttpReply;
import io.purgeline.service.WebServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for callback-worker: refuses anything not signed with the agent keys, and records the results and
 * heartbeats the simulated nodes send.
 */
final class CallbackRecorder implements AutoCloseable {
    static final String CALLBACK_PATH = "/v1/agent/callback";

    /** One result as received, with the body that carried it. */
    record Reported(String nodeId, SubtaskResult result, String body) {}

    private final WebServer http;
    private final Map<String, List<Reported>> results = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> heartbeats = new ConcurrentHashMap<>();
    private final AtomicInteger refused = new AtomicInteger();

    private CallbackRecorder(WebServer.Builder builder, AgentKeys keys) throws Exception {
        Codec codec = Codec.standard();
        this.http = builder
                .route("POST", CALLBACK_PATH, call -> {
                    verify(call, keys);
                    AgentCallback callback = call.bodyAs(codec, AgentCallback.class);
                    String body = Codec.inflate(call.body(), call.header("Content-Encoding"));
                    for (SubtaskResult r : callback.results()) {
                        results.computeIfAbsent(r.subtaskId(), id -> new CopyOnWriteArrayList<>())
                                .add(new Reported(callback.nodeId(), r, body));
                    }
                    return HttpReply.json(200, Map.of("accepted", callback.results().size()));
                })
                .route("POST", "/v1/agent/heartbeat", call -> {
                    verify(call, keys);
                    Heartbeat hb = call.bodyAs(codec, Heartbeat.class);
                    heartbeats.computeIfAbsent(hb.nodeId(), id -> new AtomicInteger()).incrementAndGet();
                    return HttpReply.json(200, Map.of("status", "ok"));
                })
                .start();
    }

    static CallbackRecorder start(AgentKeys keys) throws Exception {
        return new CallbackRecorder(WebServer.builder("callback-recorder",
                new HttpConfig("127.0.0.1", 0, HttpConfig.DEFAULT_MAX_BODY_BYTES)), keys);
    }

    private void verify(HttpCall call, AgentKeys keys) {
        String ts = call.header(Signatures.TIMESTAMP);
        String node = call.header(Signatures.ACCESS_KEY);
        boolean signed = node != null && ts != null
                && Signatures.matches(Signatures.sign(keys.signingKey(node), call.method(), call.pathAndQuery(),
                        Long.parseLong(ts), call.body()), call.header(Signatures.TOKEN));
        if (!signed) {
            refused.incrementAndGet();
            throw new HttpError(401, "unauthorized", "not signed with the key of the node it names");
        }
    }

    String baseUrl() {
        return "http://127.0.0.1:" + http.port();
    }

    String callbackApi() {
        return baseUrl() + CALLBACK_PATH;
    }

    /** Waits for the first result reported for the subtask. */
    Reported awaitResult(String subtaskId) {
        await().atMost(Duration.ofSeconds(15)).until(() -> !reported(subtaskId).isEmpty());
        return reported(subtaskId).get(0);
    }

    /** Waits until every one of the subtasks has its result reported. */
    void awaitResults(List<String> subtaskIds) {
        await().atMost(Duration.ofSeconds(30)).until(() -> subtaskIds.stream().allMatch(results::containsKey));
    }

    /** Every report of the subtask's result, in arrival order. */
    List<Reported> reported(String subtaskId) {
        return List.copyOf(results.getOrDefault(subtaskId, List.of()));
    }

    int heartbeats(String nodeId) {
        AtomicInteger n = heartbeats.get(nodeId);
        return n == null ? 0 : n.get();
    }

    /** Requests refused because they were not signed with the agent keys. */
    int refused() {
        return refused.get();
    }

    @Override
    public void close() throws Exception {
        http.close();
    }
}
