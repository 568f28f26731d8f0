package io.purgeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.purgeline.contracts.Codec;
import io.purgeline.runtime.Outgoing;
import io.purgeline.runtime.Topology;
import io.purgeline.service.Env;
import io.purgeline.testkit.SignedHttp;
import io.purgeline.testkit.TestNamespace;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** /stats reads back the rates of a small steady load sent over both intakes. */
class StatsRatesTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace().with("PURGELINE_STATS_TICK_MS", "1000");

    private static final Codec JSON = new Codec(-1);
    private static final double HTTP_PER_SECOND = 8;
    private static final double AMQP_PER_SECOND = 4;

    private static IngestWorker worker;
    /** Signed as customer acme, whose domains are *.example.com. */
    private static SignedHttp http;

    @BeforeAll
    static void startWorker() throws Exception {
        new NodeRegistry(ns.database().jdbi(), ns.registeredNodes())
                .register(new NodeRegistration("edge-1", "10.0.0.1:8090", 2, "eu"));
        Map<String, String> env = new HashMap<>(ns.env());
        env.put("PURGELINE_HTTP_PORT", "0");
        worker = IngestWorker.start(new Env(env));
        http = SignedHttp.admin("http://127.0.0.1:" + worker.port()).newCustomer("acme", "*.example.com");
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    @Test
    void ratesOverEveryWindowMatchWhatIsSentPerIntake() throws Exception {
        AtomicInteger sent = new AtomicInteger();
        ScheduledExecutorService load = Executors.newScheduledThreadPool(2);
        try {
            load.scheduleAtFixedRate(() -> submitOverHttp(sent.incrementAndGet()), 0,
                    (long) (1000 / HTTP_PER_SECOND), TimeUnit.MILLISECONDS);
            load.scheduleAtFixedRate(() -> submitOverAmqp(sent.incrementAndGet()), 0,
                    (long) (1000 / AMQP_PER_SECOND), TimeUnit.MILLISECONDS);

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                Map<String, Object> rates = rates();
                assertWithinTenPercent(rates, "http", HTTP_PER_SECOND);
                assertWithinTenPercent(rates, "amqp", AMQP_PER_SECOND);
                assertWithinTenPercent(rates, "accepted", HTTP_PER_SECOND + AMQP_PER_SECOND);
            });
        } finally {
            load.shutdownNow();
        }
        assertThat(((Number) stats().get("ingest_queue_depth")).longValue()).isGreaterThanOrEqualTo(0);
        assertThat(http.get("/metrics").body())
                .contains("purgeline_ingest_batch_seconds_bucket{source=\"http\"")
                .contains("purgeline_queue_depth{queue=\"ingest\"")
                .contains("purgeline_ingest_submissions_total{source=\"http\"");
    }

    private static void submitOverHttp(int n) {
        try {
            http.post("/v1/tasks", JSON.toJson(Submissions.refresh("https://www.example.com/h" + n + ".js").build()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void submitOverAmqp(int n) {
        ns.publisher().publish(Outgoing.of(ns.topology().tasksExchange(), Topology.SUBMIT_KEY, "task.submission",
                Submissions.refresh("https://www.example.com/a" + n + ".js").taskId("amqp-" + n).build()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stats() throws Exception {
        return JSON.fromJson(http.get("/stats").body(), Map.class);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> rates() throws Exception {
        return (Map<String, Object>) stats().get("rates");
    }

    @SuppressWarnings("unchecked")
    private static void assertWithinTenPercent(Map<String, Object> rates, String name, double expected) {
        Map<String, Object> r = (Map<String, Object>) rates.get(name);
        for (String window : new String[] {"m1", "m5", "m15"}) {
            assertThat(((Number) r.get(window)).doubleValue()).as(name + " " + window)
                    .isBetween(expected * 0.9, expected * 1.1);
        }
    }
}
