package io.purgeline.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.purgeline.contracts.Alert;
import io.purgeline.runtime.Outgoing;
import io.purgeline.service.Env;
import io.purgeline.testkit.TestNamespace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /v1/alerts}: the history, newest first, page by page (what {@code purgeline alerts} reads). */
class AlertHistoryApiTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static final HttpClient http = HttpClient.newHttpClient();
    private static AlertWorker worker;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> env = new HashMap<>(ns.env());
        env.put("PURGELINE_HTTP_PORT", "0");
        worker = AlertWorker.start(new Env(env));
        for (int i = 1; i <= 5; i++) {
            Alert alert = new Alert("dispatch-worker", Alert.WARNING, "delivery_failed", "task t" + i
                    + " on node edge-" + i + ": refused", "t" + i, "edge-" + i, Instant.now(), Map.of("attempts", "4"));
            ns.publisher().publish(Outgoing.of(ns.topology().alertsExchange(), alert.routingKey(), "alert", alert));
        }
        Alert again = new Alert("dispatch-worker", Alert.WARNING, "delivery_failed", "task t6 on node edge-5: refused",
                "t6", "edge-5", Instant.now(), null);
        ns.publisher().publish(Outgoing.of(ns.topology().alertsExchange(), again.routingKey(), "alert", again));
        await().atMost(Duration.ofSeconds(20)).until(() -> page("/v1/alerts?kind=delivery_failed").getAsJsonArray(
                "alerts").size() == 6);
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject page(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).isEqualTo(200);
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    @Test
    void theHistoryIsReadNewestFirstPageByPage() throws Exception {
        List<String> messages = new ArrayList<>();
        String path = "/v1/alerts?kind=delivery_failed&limit=4";
        JsonObject p = page(path);
        p.getAsJsonArray("alerts").forEach(a -> messages.add(a.getAsJsonObject().get("message").getAsString()));
        assertThat(p.get("next").isJsonNull()).isFalse();
        JsonObject last = page(path + "&before=" + p.get("next").getAsLong());
        last.getAsJsonArray("alerts").forEach(a -> messages.add(a.getAsJsonObject().get("message").getAsString()));
        assertThat(last.has("next")).isFalse();

        assertThat(messages).containsExactly("task t6 on node edge-5: refused", "task t5 on node edge-5: refused",
                "task t4 on node edge-4: refused", "task t3 on node edge-3: refused", "task t2 on node edge-2: refused",
                "task t1 on node edge-1: refused");
    }

    @Test
    void eachAlertShowsItsFieldsAndWhetherItWentOutOrWasARepeat() throws Exception {
        JsonElement first = page("/v1/alerts?subject=edge-5&limit=2").getAsJsonArray("alerts").get(1);
        JsonObject a = first.getAsJsonObject();
        assertThat(a.get("source").getAsString()).isEqualTo("dispatch-worker");
        assertThat(a.get("severity").getAsString()).isEqualTo("warning");
        assertThat(a.get("kind").getAsString()).isEqualTo("delivery_failed");
        assertThat(a.get("task_id").getAsString()).isEqualTo("t5");
        assertThat(a.get("node_id").getAsString()).isEqualTo("edge-5");
        assertThat(a.getAsJsonObject("details").get("attempts").getAsString()).isEqualTo("4");
        assertThat(a.get("notified").getAsBoolean()).isTrue();
        JsonObject repeat = page("/v1/alerts?subject=edge-5&limit=1").getAsJsonArray("alerts").get(0)
                .getAsJsonObject();
        assertThat(repeat.get("notified").getAsBoolean()).isFalse();
    }

    @Test
    void badPagingParametersAreRefusedWithTheReason() throws Exception {
        HttpResponse<String> limit = get("/v1/alerts?limit=0");
        assertThat(limit.statusCode()).isEqualTo(400);
        assertThat(limit.body()).contains("limit must be a whole number from 1 to 1000");
        HttpResponse<String> before = get("/v1/alerts?before=yesterday");
        assertThat(before.statusCode()).isEqualTo(400);
        assertThat(before.body()).contains("before must be an alert id");
        HttpResponse<String> since = get("/v1/alerts?since=today");
        assertThat(since.statusCode()).isEqualTo(400);
        assertThat(since.body()).contains("since must be an ISO-8601 instant");
    }
}
