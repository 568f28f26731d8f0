package io.purgeline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.Signatures;
import io.purgeline.contracts.SubtaskResult;
import io.purgeline.contracts.SubtaskState;
import io.purgeline.contracts.TaskType;
import io.purgeline.testkit.FreePorts;
import io.purgeline.testkit.Varnish;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The agent driving a real Varnish running the reference VCL, in front of an origin the test controls. */
class VarnishAgentTest {
    private static final String HOST = "www.example.com";
    private static final Map<String, String> content = new ConcurrentHashMap<>();

    private static RecordingServer origin;
    private static Varnish varnish;
    private static CallbackSink callbacks;
    private static AgentUnderTest agent;

    @BeforeAll
    static void start() throws Exception {
        origin = RecordingServer.start(r -> {
            String body = content.get(r.pathAndQuery());
            return body == null ? RecordingServer.Answer.of(404, "no such object") : RecordingServer.Answer.of(200, body);
        });
        String template;
        try (InputStream in = VarnishAgentTest.class.getResourceAsStream("/varnish/purgeline.vcl")) {
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
    void refreshPurgesTheCachedObjectSoTheNextGetServesTheNewVersion() throws Exception {
        content.put("/app.js?v=1", "v1");
        assertThat(get("/app.js?v=1").getHeaders().get("X-Cache")).isEqualTo("MISS");
        ContentResponse cached = get("/app.js?v=1");
        assertThat(cached.getHeaders().get("X-Cache")).isEqualTo("HIT");
        content.put("/app.js?v=1", "v2");
        assertThat(get("/app.js?v=1").getContentAsString()).as("still the cached copy").isEqualTo("v1");

        ContentResponse accepted = agent.send(agent.batch("purge-1@" + AgentUnderTest.NODE_ID, TaskType.REFRESH,
                List.of("https://" + HOST + "/app.js?v=1")));

        assertThat(accepted.getStatus()).isEqualTo(202);
        SubtaskResult result = callbacks.awaitResult("purge-1@" + AgentUnderTest.NODE_ID);
        assertThat(result.state()).isEqualTo(SubtaskState.DONE);
        assertThat(result.taskId()).isEqualTo("purge-1");
        assertThat(result.callbackToken())
                .isEqualTo(Signatures.callbackToken(AgentUnderTest.SECRET, "purge-1@" + AgentUnderTest.NODE_ID));
        assertThat(result.items().list()).singleElement().satisfies(item -> {
            assertThat(item.target()).isEqualTo("https://" + HOST + "/app.js?v=1");
            assertThat(item.httpCode()).isEqualTo(200);
            assertThat(item.error()).isNull();
        });
        assertThat(result.startedAt()).isNotNull();
        assertThat(result.finishedAt()).isAfterOrEqualTo(result.startedAt());
        ContentResponse fresh = get("/app.js?v=1");
        assertThat(fresh.getContentAsString()).isEqualTo("v2");
        assertThat(fresh.getHeaders().get("X-Cache")).isEqualTo("MISS");
    }

    @Test
    void aVerifiedRefreshReportsTheMissThatFetchedTheNewVersion() throws Exception {
        content.put("/verified.js", "v1");
        get("/verified.js");
        content.put("/verified.js", "v2");
        String subtaskId = "verify-1@" + AgentUnderTest.NODE_ID;

        assertThat(agent.send(SoftBatches.withOptions(agent.batch(subtaskId, TaskType.REFRESH,
                List.of("http://" + HOST + "/verified.js")), SoftBatches.VERIFY)).getStatus()).isEqualTo(202);

        SubtaskResult result = callbacks.awaitResult(subtaskId);
        assertThat(result.state()).isEqualTo(SubtaskState.DONE);
        assertThat(result.items().list()).singleElement().satisfies(item -> {
            assertThat(item.error()).isNull();
            assertThat(item.verification().fresh()).isTrue();
            assertThat(item.verification().evidence()).isEqualTo("X-Cache: MISS");
        });
        ContentResponse after = get("/verified.js");
        assertThat(after.getContentAsString()).isEqualTo("v2");
        assertThat(after.getHeaders().get("X-Cache")).as("cached by the verification").isEqualTo("HIT");
    }

    @Test
    void refreshDirBansEveryCachedObjectUnderThePrefixAndNothingElse() throws Exception {
        for (String path : List.of("/static/a.css", "/static/img/b.png", "/staticfile.css", "/other.css")) {
            content.put(path, "v1");
            get(path);
            content.put(path, "v2");
        }

        assertThat(agent.send(agent.batch("ban-1@" + AgentUnderTest.NODE_ID, TaskType.REFRESH_DIR,
                List.of("http://" + HOST + "/static/"))).getStatus()).isEqualTo(202);

        SubtaskResult result = callbacks.awaitResult("ban-1@" + AgentUnderTest.NODE_ID);
        assertThat(result.state()).isEqualTo(SubtaskState.DONE);
        assertThat(result.items().list()).singleElement().extracting(ItemResult::httpCode).isEqualTo(200);
        assertThat(get("/static/a.css").getContentAsString()).isEqualTo("v2");
        assertThat(get("/static/img/b.png").getContentAsString()).isEqualTo("v2");
        assertThat(get("/staticfile.css").getContentAsString()).as("not under /static/").isEqualTo("v1");
        assertThat(get("/other.css").getContentAsString()).isEqualTo("v1");
    }

    @Test
    void prefetchWarmsTheCacheAndReportsTheBytesFetched() throws Exception {
        String big = "x".repeat(100_000);
        content.put("/video/intro.bin", big);

        assertThat(agent.send(agent.batch("warm-1@" + AgentUnderTest.NODE_ID, TaskType.PREFETCH,
                List.of("http://" + HOST + "/video/intro.bin"))).getStatus()).isEqualTo(202);

        SubtaskResult result = callbacks.awaitResult("warm-1@" + AgentUnderTest.NODE_ID);
        assertThat(result.state()).isEqualTo(SubtaskState.DONE);
        assertThat(result.items().list()).singleElement().satisfies(item -> {
            assertThat(item.httpCode()).isEqualTo(200);
            assertThat(item.bytes()).isEqualTo(100_000);
        });
        ContentResponse served = get("/video/intro.bin");
        assertThat(served.getHeaders().get("X-Cache")).isEqualTo("HIT");
        assertThat(origin.received("/video/intro.bin")).singleElement()
                .satisfies(r -> assertThat(r.header("Host")).as("Host seen by the origin").isEqualTo(HOST));
    }

    @Test
    void prefetchOfAMissingObjectFailsWithTheCachesAnswer() throws Exception {
        agent.send(agent.batch("warm-2@" + AgentUnderTest.NODE_ID, TaskType.PREFETCH,
                List.of("http://" + HOST + "/gone.js")));

        SubtaskResult result = callbacks.awaitResult("warm-2@" + AgentUnderTest.NODE_ID);
        assertThat(result.state()).isEqualTo(SubtaskState.FAILED);
        assertThat(result.items().list()).singleElement().satisfies(item -> {
            assertThat(item.httpCode()).isEqualTo(404);
            assertThat(item.error()).contains("404");
        });
    }

    private static ContentResponse get(String pathAndQuery) throws Exception {
        return agent.client().newRequest(varnish.url() + pathAndQuery)
                .headers(h -> h.put(HttpHeader.HOST, HOST))
                .timeout(5, TimeUnit.SECONDS)
                .send();
    }
}
