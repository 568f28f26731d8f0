package io.purgeline.bench.perf;

import io.purgeline.testkit.SignedHttp;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /v1/tasks} from {@code concurrency} requests in flight at all times (closed loop: each answer sends the
 * next), like wrk with that many connections. Counted in the window only: requests sent and answered within it.
 */
final class HttpIntake {
    private final SignedHttp customer;
    private final int concurrency;
    /**
     * Answers are handled on a few threads of our own: on its default executor the JDK client started a thread for
     * nearly every answer (jstack: dozens in Thread.start0), and that load generator, not ingest, set the rate.
     */
    private final ExecutorService answers = Executors.newFixedThreadPool(4);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).executor(answers).build();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong();
    private final Latencies latencies = new Latencies();
    private volatile long windowStart = Long.MAX_VALUE;
    private volatile long windowEnd = Long.MAX_VALUE;

    HttpIntake(SignedHttp customer, int concurrency) {
        this.customer = customer;
        this.concurrency = concurrency;
    }

    Map<String, Object> run(int warmupSeconds, int seconds) throws Exception {
        long now = System.nanoTime();
        windowStart = now + TimeUnit.SECONDS.toNanos(warmupSeconds);
        windowEnd = windowStart + TimeUnit.SECONDS.toNanos(seconds);
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        for (int i = 0; i < concurrency; i++) {
            loops.add(loop());
        }
        try {
            CompletableFuture.allOf(loops.toArray(CompletableFuture[]::new)).get(seconds + warmupSeconds + 60L,
                    TimeUnit.SECONDS);
        } finally {
            answers.shutdownNow();
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("accepted_per_s", (double) Math.round(accepted.get() / (double) seconds));
        f.put("refused", refused.get());
        f.putAll(latencies.summary());
        return f;
    }

    private CompletableFuture<Void> loop() {
        long start = System.nanoTime();
        if (start >= windowEnd) {
            return CompletableFuture.completedFuture(null);
        }
        String taskId = Tasks.scoped("in-http-" + sequence.incrementAndGet() + "-" + Long.toHexString(start));
        HttpRequest post = customer.request("POST", "/v1/tasks", Tasks.refresh(taskId, Tasks.CUSTOMER, 1,
                List.of(IntakeScenario.REGION)).getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/json"));
        return http.sendAsync(post, HttpResponse.BodyHandlers.discarding()).handle((r, e) -> {
            long end = System.nanoTime();
            if (start >= windowStart && end <= windowEnd) {
                if (e == null && r.statusCode() == 202) {
                    accepted.incrementAndGet();
                    latencies.add(end - start);
                } else {
                    refused.incrementAndGet();
                }
            }
            return null;
        }).thenCompose(v -> loop());
    }
}
