package io.purgeline.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A small HTTP server for tests: records every request and answers as the test says (origin, cache, callbacks). */
final class RecordingServer implements AutoCloseable {
    /** One request as received; header names are lower case. */
    record Received(String method, String pathAndQuery, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    record Answer(int status, Map<String, String> headers, byte[] body) {
        static Answer of(int status, String text) {
            return new Answer(status, Map.of(), text.getBytes(StandardCharsets.UTF_8));
        }
    }

    @FunctionalInterface
    interface Responder {
        Answer answer(Received request) throws Exception;
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private RecordingServer(HttpServer server) {
        this.server = server;
    }

    /** A cache that answers every PURGE at once, except under {@code /slow/}, which waits until the gate opens. */
    static RecordingServer gatedCache(CountDownLatch slowGate) throws IOException {
        return start(r -> {
            if (r.pathAndQuery().startsWith("/slow/")) {
                slowGate.await(10, TimeUnit.SECONDS);
            }
            return Answer.of(200, "Purged");
        });
    }

    static RecordingServer start(Responder responder) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        RecordingServer recording = new RecordingServer(server);
        server.createContext("/", exchange -> recording.serve(exchange, responder));
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
        return recording;
    }

    private void serve(HttpExchange exchange, Responder responder) throws IOException {
        try (exchange) {
            Map<String, String> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
            Received r = new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(), Map.copyOf(headers),
                    exchange.getRequestBody().readAllBytes());
            received.add(r);
            Answer a;
            try {
                a = responder.answer(r);
            } catch (Exception e) {
                a = Answer.of(500, e.toString());
            }
            a.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
            exchange.sendResponseHeaders(a.status(), a.body().length == 0 ? -1 : a.body().length);
            if (a.body().length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(a.body());
                }
            }
        }
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    List<Received> received(String pathAndQuery) {
        return received.stream().filter(r -> r.pathAndQuery().equals(pathAndQuery)).toList();
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
