package io.purgeline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.SubtaskResult;
import io.purgeline.contracts.SubtaskState;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import io.purgeline.testkit.CacheProcess;
import io.purgeline.testkit.FreePorts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
import org.junit.jupiter.api.TestInstance;

/**
 * What the agent does with every real cache it drives, each started by the subclass on loopback with the agent's
 * reference configuration, in front of an origin the test controls. The origin sends no caching headers, so each
 * object stays cached until a purge: a GET that returns the new version proves the purge removed the old one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RealCacheAgentTest {
    static final String HOST = "www.example.com";
    static final String OTHER_HOST = "cdn.example.org";

    /** The origin's objects, keyed by Host and path with query. */
    private final Map<String, String> content = new ConcurrentHashMap<>();
    private RecordingServer origin;
    private CacheProcess cache;
    private CallbackSink callbacks;
    private AgentUnderTest agent;

    /** The {@code PURGELINE_CACHE_KIND} under test. */
    abstract String kind();

    /** Starts the cache on {@code listenHost:port} in front of the origin on 127.0.0.1:{@code originPort}. */
    abstract CacheProcess startCache(int originPort, String listenHost, int port) throws IOException;

    /** A reference configuration shipped with the agent, as a deployment would copy it. */
    static String reference(String resource) {
        try (InputStream in = RealCacheAgentTest.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the agent ships no " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    RecordingServer origin() {
        return origin;
    }

    CacheProcess cache() {
        return cache;
    }

    AgentUnderTest agent() {
        return agent;
    }

    @BeforeAll
    void start() throws Exception {
        origin = RecordingServer.start(r -> {
            String body = content.get(r.header("Host") + r.pathAndQuery());
            return body == null ? RecordingServer.Answer.of(404, "no such object") : RecordingServer.Answer.of(200, body);
        });
        cache = startCache(origin.port(), "127.0.0.1", FreePorts.on("127.0.0.1"));
        callbacks = CallbackSink.start(AgentUnderTest.SECRET);
        agent = AgentUnderTest.start(cache.url(), callbacks.callbackApi(), Map.of("PURGELINE_CACHE_KIND", kind()));
    }

    /** Closes what was started, also after a start that failed half-way (a cache that did not come up). */
    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable started : new AutoCloseable[] {agent, callbacks, cache, origin}) {
            if (started != null) {
                started.close();
            }
        }
    }

    @Test
    void refreshPurgesTheCachedObjectSoTheNextGetServesTheNewVersion() throws Exception {
        String path = "/js/app%20main.js?v=1";
        cacheThenChange(HOST, path);

        SubtaskResult result = run("purge-1", TaskType.REFRESH, "https://" + HOST + path);

        assertThat(result.state()).isEqualTo(SubtaskState.DONE);
        assertThat(result.items().list()).singleElement().satisfies(item -> {
            assertThat(item.httpCode()).isEqualTo(200);
            assertThat(item.error()).isNull();
        });
        assertThat(get(HOST, path).getContentAsString()).isEqualTo("v2");
    }

    @Test
    void aVerifiedRefreshReportsThatTheCacheNowServesTheNewVersion() throws Exception {
        cacheThenChange(HOST, "/verified/app.js");

        SubtaskResult result = run("verify-1", TaskType.REFRESH, "http://" + HOST + "/verified/app.js",
                SoftBatches.VERIFY);

        assertThat(result.state()).isEqualTo(SubtaskState.DONE);
        assertThat(result.items().list()).singleElement().satisfies(item -> {
            assertThat(item.error()).isNull();
            assertThat(item.verification()).isNotNull();
            assertThat(item.verification().fresh()).as(item.verification().evidence()).isTrue();
            assertThat(item.verification().httpCode()).isEqualTo(200);
        });
        assertThat(get(HOST, "/verified/app.js").getContentAsString()).isEqualTo("v2");
        assertThat(origin.received("/verified/app.js")).as("v1 once, then v2 once for the verification").hasSize(2);
    }

    /**
     * The other side of verification: what this cache says about a copy stored before a purge (one that did not
     * happen) is read as stale — once the copy is a second old, since ages are in whole seconds.
     */
    @Test
    void aCopyStoredBeforeThePurgeIsJudgedStale() throws Exception {
        cacheThenChange(HOST, "/verified/old.js");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            ContentResponse hit = get(HOST, "/verified/old.js");
            assertThat(hit.getContentAsString()).isEqualTo("v1");
            assertThat(Freshness.judge(hit.getStatus(), hit.getHeaders(), 0).fresh())
                    .as(Freshness.judge(hit.getStatus(), hit.getHeaders(), 0).evidence()).isFalse();
        });
    }

    @Test
    void aVerifiedRefreshOfAnUncachedUrlIsFresh() throws Exception {
        content.put(HOST + "/verified/never.js", "v1");

        SubtaskResult result = run("verify-2", TaskType.REFRESH, "http://" + HOST + "/verified/never.js",
                SoftBatches.VERIFY);

        assertThat(result.state()).isEqualTo(SubtaskState.DONE);
        assertThat(result.items().list()).singleElement().satisfies(item ->
                assertThat(item.verification().fresh()).as(item.verification().evidence()).isTrue());
    }

    @Test
    void refreshOfAnObjectTheCacheDoesNotHoldIsDone() throws Exception {
        SubtaskResult result = run("purge-2", TaskType.REFRESH, "https://" + HOST + "/never-cached.js");

        assertThat(result.state()).isEqualTo(SubtaskState.DONE);
        assertThat(result.items().list()).singleElement().satisfies(item -> {
            assertThat(item.httpCode()).as("nothing to remove").isEqualTo(404);
            assertThat(item.error()).isNull();
        });
    }

    @Test
    void refreshPurgesTheObjectOfTheUrlsOwnHostOnly() throws Exception {
        cacheThenChange(HOST, "/shared.css");
        cacheThenChange(OTHER_HOST, "/shared.css");

        assertThat(run("purge-3", TaskType.REFRESH, "http://" + OTHER_HOST + "/shared.css").state())
                .isEqualTo(SubtaskState.DONE);

        assertThat(get(OTHER_HOST, "/shared.css").getContentAsString()).isEqualTo("v2");
        assertThat(get(HOST, "/shared.css").getContentAsString()).as("another host's object").isEqualTo("v1");
    }

    @Test
    void prefetchWarmsTheCacheWithTheBytesFetched() throws Exception {
        String body = "x".repeat(100_000);
        content.put(HOST + "/video/intro.bin", body);

        SubtaskResult result = run("warm-1", TaskType.PREFETCH, "http://" + HOST + "/video/intro.bin");

        assertThat(result.state()).isEqualTo(SubtaskState.DONE);
        assertThat(result.items().list()).singleElement().satisfies(item -> {
            assertThat(item.httpCode()).isEqualTo(200);
            assertThat(item.bytes()).isEqualTo(100_000);
        });
        content.put(HOST + "/video/intro.bin", "changed");
        assertThat(get(HOST, "/video/intro.bin").getContentAsString()).as("served from the cache").isEqualTo(body);
        assertThat(origin.received("/video/intro.bin")).singleElement()
                .satisfies(r -> assertThat(r.header("Host")).as("Host seen by the origin").isEqualTo(HOST));
    }

    @Test
    void refreshDirIsReportedUnsupportedAndTheCachedObjectStays() throws Exception {
        cacheThenChange(HOST, "/static/a.css");

        SubtaskResult result = run("dir-1", TaskType.REFRESH_DIR, "http://" + HOST + "/static/");

        assertUnsupported(result, TaskType.REFRESH_DIR);
        assertThat(get(HOST, "/static/a.css").getContentAsString()).isEqualTo("v1");
    }

    @Test
    void aSoftRefreshIsReportedUnsupportedAndTheCachedObjectStays() throws Exception {
        cacheThenChange(HOST, "/soft.css");
        String subtaskId = "soft-1@" + AgentUnderTest.NODE_ID;

        agent.send(SoftBatches.soft(agent.batch(subtaskId, TaskType.REFRESH, List.of("http://" + HOST + "/soft.css"))));

        SubtaskResult result = callbacks.awaitResult(subtaskId);
        assertThat(result.state()).isEqualTo(SubtaskState.FAILED);
        assertThat(result.items().list()).singleElement().extracting(ItemResult::error).asString()
                .startsWith("soft refresh is unsupported by " + kind() + ": ");
        assertThat(get(HOST, "/soft.css").getContentAsString()).isEqualTo("v1");
    }

    @Test
    void refreshTagIsReportedUnsupported() {
        assertUnsupported(run("tag-1", TaskType.REFRESH_TAG, "product-42"), TaskType.REFRESH_TAG);
    }

    private void assertUnsupported(SubtaskResult result, TaskType type) {
        assertThat(result.state()).isEqualTo(SubtaskState.FAILED);
        assertThat(result.items().list()).singleElement().extracting(ItemResult::error).asString()
                .startsWith(type.wire() + " is unsupported by " + kind() + ": ");
    }

    /** Caches v1 of the object through the cache, proves it is a hit, then changes the origin to v2. */
    private void cacheThenChange(String host, String pathAndQuery) throws Exception {
        content.put(host + pathAndQuery, "v1");
        assertThat(get(host, pathAndQuery).getContentAsString()).isEqualTo("v1");
        content.put(host + pathAndQuery, "v2");
        assertThat(get(host, pathAndQuery).getContentAsString()).as("the cached copy").isEqualTo("v1");
    }

    private SubtaskResult run(String taskId, TaskType type, String target) {
        return run(taskId, type, target, TaskOptions.NONE);
    }

    SubtaskResult run(String taskId, TaskType type, String target, TaskOptions options) {
        String subtaskId = taskId + "@" + AgentUnderTest.NODE_ID;
        try {
            assertThat(agent.send(SoftBatches.withOptions(agent.batch(subtaskId, type, List.of(target)), options))
                    .getStatus()).isEqualTo(202);
        } catch (Exception e) {
            throw new IllegalStateException("the agent did not take the batch", e);
        }
        return callbacks.awaitResult(subtaskId);
    }

    private ContentResponse get(String host, String pathAndQuery) throws Exception {
        return agent.client().newRequest(cache.url() + pathAndQuery)
                .headers(h -> h.put(HttpHeader.HOST, host))
                .timeout(5, TimeUnit.SECONDS)
                .send();
    }
}
