package io.purgeline.bench.perf;

import io.purgeline.contracts.AgentCallback;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.SubtaskResult;
import io.purgeline.service.HttpConfig;
import io.purgeline.service.HttpReply;
import io.purgeline.service.WebServer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor's stand-in for callback-worker: takes the fleet's result callbacks and heartbeats, decodes them, counts
 * each round's results and keeps nothing. What purgeline does on top of this (signatures, saves, rows, counters,
 * events) is what the floor leaves out on purpose.
 */
final class ResultSink implements AutoCloseable {
    static final String CALLBACK_PATH = "/v1/agent/callback";

    /** A round: how many results it waits for, and when the last one came. */
    private record Round(int expected, AtomicInteger got, CompletableFuture<Long> done) {}

    private final Map<String, Round> rounds = new ConcurrentHashMap<>();
    private final AtomicLong received = new AtomicLong();
    private final WebServer http;

    private ResultSink() throws Exception {
        Codec codec = Codec.standard();
        http = WebServer.builder("bench-sink", new HttpConfig("127.0.0.1", 0, HttpConfig.DEFAULT_MAX_BODY_BYTES))
                .route("POST", CALLBACK_PATH, call -> {
                    AgentCallback callback = call.bodyAs(codec, AgentCallback.class);
                    for (SubtaskResult r : callback.results()) {
                        arrived(r.taskId());
                    }
                    return HttpReply.json(200, Map.of("accepted", callback.results().size()));
                })
                .route("POST", "/v1/agent/heartbeat", call -> HttpReply.json(200, Map.of("status", "ok")))
                .start();
    }

    static ResultSink start() throws Exception {
        return new ResultSink();
    }

    /** Completes with {@link System#nanoTime()} of the last of {@code expected} results of the task. */
    CompletableFuture<Long> expect(String taskId, int expected) {
        Round r = new Round(expected, new AtomicInteger(), new CompletableFuture<>());
        rounds.put(taskId, r);
        return r.done.whenComplete((t, e) -> rounds.remove(taskId));
    }

    private void arrived(String taskId) {
        received.incrementAndGet();
        Round r = rounds.get(taskId);
        if (r != null && r.got.incrementAndGet() == r.expected) {
            r.done.complete(System.nanoTime());
        }
    }

    /** Results received so far, of every round. */
    long received() {
        return received.get();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + http.port();
    }

    @Override
    public void close() throws Exception {
        http.close();
    }
}
