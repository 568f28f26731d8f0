package io.purgeline.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.purgeline.contracts.Lane;
import io.purgeline.runtime.ModuleHeartbeat;
import io.purgeline.runtime.Topology;
import io.purgeline.service.Env;
import io.purgeline.testkit.TestNamespace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The alerts alert-worker raises itself, read back from its history API as an operator (or the CLI) would. */
class AlertSourcesTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static final HttpClient http = HttpClient.newHttpClient();
    private static AlertWorker worker;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> env = new HashMap<>(ns.env());
        env.put("PURGELINE_HTTP_PORT", "0");
        env.put("PURGELINE_WATCH_INTERVAL_MS", "100");
        env.put("PURGELINE_BACKLOG_WINDOW_MS", "300");
        env.put("PURGELINE_BACKLOG_MIN", "5");
        worker = AlertWorker.start(new Env(env));
        // The watch has looked once it knows alert-worker itself: later changes are changes.
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ns.redis().sismember(ns.keys().modulesKnown(), AlertWorker.NAME));
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static List<String> messages(String kind, String subject) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.port()
                + "/v1/alerts?kind=" + kind + "&subject=" + subject)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonArray alerts = JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("alerts");
        List<String> out = new ArrayList<>();
        for (JsonElement a : alerts) {
            out.add(a.getAsJsonObject().get("message").getAsString());
        }
        return out;
    }

    @Test
    void aWorkerTypeWithNoLiveInstanceIsAlertedOnceAndItsReturnToo() throws Exception {
        ModuleHeartbeat beat = ModuleHeartbeat.start(ns.redis(), ns.keys(), "ingest-worker", "box-1:100");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ns.redis().sismember(ns.keys().modulesKnown(), "ingest-worker"));

        beat.close();

        await().atMost(Duration.ofSeconds(15)).until(() -> messages("module_down", "ingest-worker").size() == 1);
        assertThat(messages("module_down", "ingest-worker").get(0))
                .isEqualTo("no live ingest-worker: its last instance stopped");

        ModuleHeartbeat again = ModuleHeartbeat.start(ns.redis(), ns.keys(), "ingest-worker", "box-2:200");
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> messages("module_up", "ingest-worker").size() == 1);
            assertThat(messages("module_up", "ingest-worker").get(0)).startsWith("ingest-worker is running again "
                    + "(box-2:200)");
            assertThat(messages("module_down", "ingest-worker")).hasSize(1);
        } finally {
            again.close();
        }
    }

    @Test
    void aDeadLetterQueueThatGrowsIsAlerted() throws Exception {
        for (int i = 0; i < 3; i++) {
            ns.broker().withChannel(ch -> ch.basicPublish(ns.topology().deadExchange(),
                    Topology.Area.SAVES.key(), null, "parked".getBytes(StandardCharsets.UTF_8)));
        }

        await().atMost(Duration.ofSeconds(15)).until(() -> messages("dead_letters", "saves.dead").stream()
                .anyMatch(m -> m.startsWith("dead-letter queue " + ns.topology().deadQueue(Topology.Area.SAVES)
                        + " holds 3 messages")));
        ns.broker().withChannel(ch -> ch.queuePurge(ns.topology().deadQueue(Topology.Area.SAVES)));
    }

    @Test
    void aLaneWhoseBacklogKeepsGrowingIsAlertedAndSoIsItsRecovery() throws Exception {
        String lane = ns.topology().laneQueue(Lane.SLOW);
        ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
        load.scheduleAtFixedRate(() -> ns.broker().withChannel(ch -> ch.basicPublish("", lane, null,
                "work".getBytes(StandardCharsets.UTF_8))), 0, 20, TimeUnit.MILLISECONDS);
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> messages("backlog_growing", "slow").size() == 1);
            assertThat(messages("backlog_growing", "slow").get(0)).startsWith("backlog of slow keeps growing: ");
        } finally {
            load.shutdownNow();
            load.awaitTermination(5, TimeUnit.SECONDS);
        }
        ns.broker().withChannel(ch -> ch.queuePurge(lane));

        await().atMost(Duration.ofSeconds(15)).until(() -> messages("backlog_shrinking", "slow").size() == 1);
        assertThat(messages("backlog_shrinking", "slow").get(0)).isEqualTo("backlog of slow is shrinking: 0 messages "
                + "waiting");
    }
}
