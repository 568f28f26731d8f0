package io.purgeline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.SubtaskResult;
import io.purgeline.contracts.SubtaskState;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import io.purgeline.testkit.FreePorts;
import io.purgeline.testkit.Varnish;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Soft purge ({@code options.soft}) on a real Varnish: the object is marked stale rather than removed, so the first
 * request after it still gets the old copy while Varnish refetches in the background, and the requests after that
 * get the new version — the origin never sees a stampede of misses.
 */
class VarnishSoftPurgeTest {
    private static final String HOST = "www.example.com";
    private static final Map<String, String> content = new ConcurrentHashMap<>();
    private static final Map<String, Map<String, String>> headers = new ConcurrentHashMap<>();

    private static RecordingServer origin;
    private static Varnish varnish;
    private static CallbackSink callbacks;
    private static AgentUnderTest agent;

    @BeforeAll
    static void start() throws Exception {
        origin = RecordingServer.start(r -> {
            String body = content.get(r.pathAndQuery());
            return body == null ? RecordingServer.Answer.of(404, "no such object")
                    : new RecordingServer.Answer(200, headers.getOrDefault(r.pathAndQuery(), Map.of()),
                            body.getBytes(StandardCharsets.UTF_8));
        });
        String template;
        try (InputStream in = VarnishSoftPurgeTest.class.getResourceAsStream("/varnish/purgeline.vcl")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        varnish = Varnish.start(Varnish.vcl(template, "127.0.0.1", origin.port()), "127.0.0.1", FreePorts.any());
        callbacks = CallbackSink.start(AgentUnderTest.SECRET);
        agent = AgentUnderTest.start(varnish.url(), callbacks.callbackApi(), Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        agent.close();
        callbacks.close();
        varnish.close();
        origin.close();
    }

    @Test
    void aSoftRefreshServesTheStaleCopyOnceWhileRevalidatingThenTheNewVersion() throws Exception {
        cacheThenChange("/soft/app.js", Map.of());

        SubtaskResult result = run("soft-1", TaskType.REFRESH, "http://" + HOST + "/soft/app.js");

        assertThat(result.state()).isEqualTo(SubtaskState.DONE);
        assertThat(result.items().list()).singleElement().extracting(ItemResult::httpCode).isEqualTo(200);
        ContentResponse first = get("/soft/app.js");
        assertThat(first.getContentAsString()).as("stale, while Varnish refetches").isEqualTo("v1");
        assertThat(first.getHeaders().get("X-Cache")).isEqualTo("STALE");
        await().atMost(Duration.ofSeconds(15)).until(() -> get("/soft/app.js").getContentAsString().equals("v2"));
    }

    @Test
    void aVerifiedSoftRefreshReportsTheStaleCopyThenTheRevalidatedOne() throws Exception {
        cacheThenChange("/soft/verified.js", Map.of());

        SubtaskResult result = run("soft-4", TaskType.REFRESH, "http://" + HOST + "/soft/verified.js",
                SoftBatches.SOFT_VERIFY);

        assertThat(result.state()).isEqualTo(SubtaskState.DONE);
        assertThat(result.items().list()).singleElement().satisfies(item -> {
            assertThat(item.error()).isNull();
            assertThat(item.verification().fresh()).isTrue();
            assertThat(item.verification().evidence())
                    .startsWith("served stale while revalidating (X-Cache: STALE")
                    .contains("then X-Cache: HIT");
        });
        assertThat(get("/soft/verified.js").getContentAsString()).as("already revalidated").isEqualTo("v2");
        assertThat(origin.received("/soft/verified.js")).as("v1, then one refetch: no stampede").hasSize(2);
    }

    @Test
    void aSoftTagRefreshMarksTheTaggedObjectsStale() throws Exception {
        cacheThenChange("/soft/p/42.html", Map.of("xkey", "soft-product-42"));

        SubtaskResult result = run("soft-2", TaskType.REFRESH_TAG, "soft-product-42");

        assertThat(result.state()).isEqualTo(SubtaskState.DONE);
        assertThat(get("/soft/p/42.html").getContentAsString()).as("stale, while Varnish refetches").isEqualTo("v1");
        await().atMost(Duration.ofSeconds(15)).until(() -> get("/soft/p/42.html").getContentAsString().equals("v2"));
    }

    @Test
    void aSoftDirectoryRefreshIsReportedUnsupportedBecauseABanRemoves() throws Exception {
        cacheThenChange("/soft/dir/a.css", Map.of());

        SubtaskResult result = run("soft-3", TaskType.REFRESH_DIR, "http://" + HOST + "/soft/dir/");

        assertThat(result.state()).isEqualTo(SubtaskState.FAILED);
        assertThat(result.items().list()).singleElement().extracting(ItemResult::error).asString()
                .startsWith("soft refresh_dir is unsupported by varnish: ");
        assertThat(get("/soft/dir/a.css").getContentAsString()).isEqualTo("v1");
    }

    private static void cacheThenChange(String path, Map<String, String> responseHeaders) throws Exception {
        content.put(path, "v1");
        headers.put(path, responseHeaders);
        assertThat(get(path).getContentAsString()).isEqualTo("v1");
        content.put(path, "v2");
        assertThat(get(path).getContentAsString()).as("the cached copy").isEqualTo("v1");
    }

    private static SubtaskResult run(String taskId, TaskType type, String target) throws Exception {
        return run(taskId, type, target, SoftBatches.SOFT);
    }

    private static SubtaskResult run(String taskId, TaskType type, String target, TaskOptions options)
            throws Exception {
        String subtaskId = taskId + "@" + AgentUnderTest.NODE_ID;
        assertThat(agent.send(SoftBatches.withOptions(agent.batch(subtaskId, type, List.of(target)), options))
                .getStatus()).isEqualTo(202);
        return callbacks.awaitResult(subtaskId);
    }

    private static ContentResponse get(String pathAndQuery) throws Exception {
        return agent.client().newRequest(varnish.url() + pathAndQuery)
                .headers(h -> h.put(HttpHeader.HOST, HOST))
                .timeout(5, TimeUnit.SECONDS)
                .send();
    }
}
