package io.purgeline.dispatch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.purgeline.contracts.Items;
import io.purgeline.contracts.AgentBatch;
import io.purgeline.contracts.AgentSubtask;
import io.purgeline.contracts.BatchQueued;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.Signatures;
import io.purgeline.contracts.SubtaskResult;
import io.purgeline.contracts.SubtaskState;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/** An edge agent stand-in: records the batches it is sent and answers as the test says. */
final class FakeAgent implements AutoCloseable {
    /** One request as received, with the signature headers. */
    record Received(String path, String accessKey, long timestamp, String token, String contentEncoding, byte[] body) {
        AgentBatch batch() {
            return Codec.standard().decode(body, contentEncoding, AgentBatch.class);
        }

        boolean signedWith(String secret) {
            return Signatures.matches(Signatures.sign(secret, "POST", path, timestamp, body), token);
        }
    }

    /** Decides the status of the answer; may block to play a slow agent. */
    @FunctionalInterface
    interface Answer {
        int status(Received request) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService threads;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private FakeAgent(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    static FakeAgent accepting() throws IOException {
        return start(r -> 202);
    }

    /**
     * An agent that takes every subtask and never finishes one (a long backlog, a slow cache): a subtask sent again
     * is answered as the real agent answers it, named in {@code still_running}.
     */
    static FakeAgent working() throws IOException {
        Set<String> had = ConcurrentHashMap.newKeySet();
        return startOn(0, r -> 202, r -> {
            List<String> ids = r.batch().subtasks().stream().map(AgentSubtask::subtaskId).toList();
            List<String> running = ids.stream().filter(id -> !had.add(id)).toList();
            return Codec.standard().toJson(new BatchQueued(BatchQueued.QUEUED, ids.size(), running.size(), running));
        });
    }

    /**
     * An agent that finishes every subtask before answering and puts the results in its answer, each with the token
     * made with {@code tokenKey} (the node's key for a genuine agent, another for a forger); its items as rows when
     * the request asks for them, as the real agent does.
     */
    static FakeAgent finishing(String tokenKey) throws IOException {
        return startOn(0, r -> 202, r -> {
            boolean rows = r.path().contains("item_rows=1");
            List<SubtaskResult> results = r.batch().subtasks().stream().map(s -> {
                Items items = Items.of(List.of(new ItemResult(s.urls().get(0), 200, 0, 1, null)), s.urls());
                return new SubtaskResult(s.subtaskId(), s.taskId(), Signatures.callbackToken(tokenKey, s.subtaskId()),
                        SubtaskState.DONE, rows ? items.rows() : items, Instant.now(), Instant.now());
            })
                    .toList();
            return Codec.standard().toJson(new BatchQueued(BatchQueued.QUEUED, results.size(), 0, List.of(),
                    results));
        });
    }

    static FakeAgent start(Answer answer) throws IOException {
        return startOn(0, answer);
    }

    /** An agent on a given port: a node that was down and is back at the same address. */
    static FakeAgent startOn(int port, Answer answer) throws IOException {
        return startOn(port, answer, r -> null);
    }

    private static FakeAgent startOn(int port, Answer answer, Function<Received, String> body) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        ExecutorService threads = Executors.newCachedThreadPool();
        FakeAgent agent = new FakeAgent(server, threads);
        server.createContext("/", exchange -> agent.serve(exchange, answer, body));
        server.setExecutor(threads);
        server.start();
        return agent;
    }

    private void serve(HttpExchange exchange, Answer answer, Function<Received, String> answerBody)
            throws IOException {
        try (exchange) {
            var h = exchange.getRequestHeaders();
            String ts = h.getFirst(Signatures.TIMESTAMP);
            Received r = new Received(exchange.getRequestURI().toString(), h.getFirst(Signatures.ACCESS_KEY),
                    ts == null ? -1 : Long.parseLong(ts), h.getFirst(Signatures.TOKEN),
                    h.getFirst("Content-Encoding"), exchange.getRequestBody().readAllBytes());
            received.add(r);
            int status;
            try {
                status = answer.status(r);
            } catch (Exception e) {
                status = 500;
            }
            String text = answerBody.apply(r);
            byte[] body = (text != null ? text : "{\"state\":\"test answer " + status + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
