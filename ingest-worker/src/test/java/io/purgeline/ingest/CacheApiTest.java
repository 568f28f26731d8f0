package io.purgeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.contracts.Codec;
import io.purgeline.runtime.NodeCaches;
import io.purgeline.service.Env;
import io.purgeline.testkit.SignedHttp;
import io.purgeline.testkit.TestNamespace;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code GET /v1/caches}: each kind's support, and the registered nodes by the kind their agents reported. */
class CacheApiTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static final Codec JSON = new Codec(-1);

    private static IngestWorker worker;
    private static SignedHttp http;

    record Kind(String kind, List<String> types, List<String> softTypes, List<String> nodes) {}

    record Caches(List<Kind> caches, List<String> nodesWithoutKind) {}

    @BeforeAll
    static void startWorker() throws Exception {
        Map<String, String> env = new HashMap<>(ns.env());
        env.put("PURGELINE_HTTP_PORT", "0");
        worker = IngestWorker.start(new Env(env));
        http = SignedHttp.admin("http://127.0.0.1:" + worker.port());
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    @Test
    void eachKindIsListedWithWhatItCanDoAndTheNodesThatRunIt() throws Exception {
        for (String node : List.of("edge-v1", "edge-v2", "edge-n1", "edge-new", "edge-sim")) {
            assertThat(http.post("/v1/nodes", "{\"node_id\": \"" + node + "\", \"address\": \"" + node + ":8090\"}")
                    .statusCode()).isEqualTo(201);
        }
        // What callback-worker records from the agents' heartbeats; edge-new has not heartbeated yet.
        NodeCaches reported = new NodeCaches(ns.redis(), ns.keys());
        reported.reported("edge-v1", "varnish", System.currentTimeMillis());
        reported.reported("edge-v2", "varnish", System.currentTimeMillis());
        reported.reported("edge-n1", "nginx", System.currentTimeMillis());
        reported.reported("edge-sim", "simulated", System.currentTimeMillis());
        reported.reported("edge-gone", "squid", System.currentTimeMillis());

        HttpResponse<String> r = http.get("/v1/caches");

        assertThat(r.statusCode()).isEqualTo(200);
        Caches caches = JSON.fromJson(r.body(), Caches.class);
        assertThat(caches.caches()).containsExactly(
                new Kind("varnish", List.of("refresh", "refresh_dir", "refresh_tag", "prefetch"),
                        List.of("refresh", "refresh_tag"), List.of("edge-v1", "edge-v2")),
                new Kind("nginx", List.of("refresh", "prefetch"), List.of(), List.of("edge-n1")),
                new Kind("ats", List.of("refresh", "prefetch"), List.of(), List.of()),
                new Kind("squid", List.of("refresh", "prefetch"), List.of(), List.of()),
                new Kind("simulated", null, null, List.of("edge-sim")));
        assertThat(caches.nodesWithoutKind()).containsExactly("edge-new");
        assertThat(r.body()).contains("\"soft_types\":[\"refresh\",\"refresh_tag\"]", "\"nodes_without_kind\"");
    }
}
