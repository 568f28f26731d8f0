package io.purgeline.bench.perf;

import io.purgeline.bench.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The relay of the comparison, in Java: one PURGE straight to every cache at once, done when every cache has
 * answered. No agent, no broker, no record: the floor for purging real Varnish caches on this box.
 */
final class VarnishRelay {
    private final List<LocalStack.Edge> edges;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    VarnishRelay(List<LocalStack.Edge> edges) {
        this.edges = edges;
    }

    /** {@code warmup} unmeasured rounds, then {@code rounds} measured ones. */
    Latencies measure(int warmup, int rounds) {
        for (int i = 0; i < warmup; i++) {
            round(i);
        }
        Latencies l = new Latencies();
        for (int i = 0; i < rounds; i++) {
            long start = System.nanoTime();
            round(warmup + i);
            l.add(System.nanoTime() - start);
        }
        return l;
    }

    private void round(int n) {
        List<CompletableFuture<?>> answers = new ArrayList<>();
        for (LocalStack.Edge e : edges) {
            HttpRequest purge = HttpRequest.newBuilder(URI.create("http://" + e.cacheHost() + ":" + e.cachePort()
                    + "/bench/relay-" + n + ".js")).timeout(Duration.ofSeconds(10))
                    .method("PURGE", HttpRequest.BodyPublishers.noBody()).build();
            answers.add(http.sendAsync(purge, HttpResponse.BodyHandlers.discarding()).thenAccept(r -> {
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("PURGE on " + e.nodeId() + " answered " + r.statusCode());
                }
            }));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();
    }
}
