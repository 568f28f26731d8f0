package io.purgeline.callback;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.service.Env;
import io.purgeline.testkit.TestNamespace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AgentHeartbeatTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static final HttpClient http = HttpClient.newHttpClient();
    private static CallbackWorker worker;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> env = new HashMap<>(ns.env());
        env.put("PURGELINE_HTTP_PORT", "0");
        worker = CallbackWorker.start(new Env(env));
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    @Test
    void aHeartbeatRecordsWhenTheNodeWasLastSeen() throws Exception {
        long before = System.currentTimeMillis();

        HttpResponse<String> reply = post("{\"node_id\":\"edge-9\",\"version\":\"1.0\",\"cache\":\"varnish\","
                + "\"queued\":2,\"running\":1}");

        long after = System.currentTimeMillis();
        assertThat(reply.statusCode()).isEqualTo(204);
        String seen = ns.redis().hget(ns.keys().nodeHeartbeats(), "edge-9");
        assertThat(Long.parseLong(seen)).isBetween(before, after);
    }

    @Test
    void aHeartbeatWithoutNodeIdIsRefusedWith400() throws Exception {
        HttpResponse<String> reply = post("{\"version\":\"1.0\"}");

        assertThat(reply.statusCode()).isEqualTo(400);
        assertThat(reply.body()).contains("node_id");
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.port() + "/v1/agent/heartbeat"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
