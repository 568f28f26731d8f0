package io.purgeline.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.purgeline.agent.GeneratedOrigin.Item;
import io.purgeline.contracts.AgentBatch;
import io.purgeline.contracts.AgentSubtask;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.Signatures;
import io.purgeline.contracts.SubtaskResult;
import io.purgeline.contracts.SubtaskState;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import io.purgeline.service.SignedPost;
import io.purgeline.testkit.CacheProcess;
import io.purgeline.testkit.FreePorts;
import io.purgeline.testkit.Nginx;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A 200 MB object prefetched through a real nginx by an agent running in a JVM of its own with a 64 MB heap: the
 * body streams through one reused buffer, so the agent neither runs out of memory nor holds the object. The agent's
 * heap is sampled from its {@code /metrics} while the prefetch runs.
 */
class LargePrefetchHeapTest {
    private static final String HOST = "video.example.com";
    private static final long SIZE = 200L * 1024 * 1024;
    private static final long HEAP_LIMIT = 64L * 1024 * 1024;
    private static final Pattern HEAP_USED =
            Pattern.compile("(?m)^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.eE+-]+)$");

    private static GeneratedOrigin origin;
    private static CacheProcess nginx;
    private static CallbackSink callbacks;
    private static Process agent;
    private static HttpClient client;
    private static int agentPort;

    @BeforeAll
    static void start() throws Exception {
        origin = GeneratedOrigin.start();
        nginx = Nginx.start(RealCacheAgentTest.reference("/nginx/purgeline.conf"), "127.0.0.1", origin.port(),
                "127.0.0.1", FreePorts.on("127.0.0.1"));
        callbacks = CallbackSink.start(AgentUnderTest.SECRET);
        client = SignedPost.startClient("test-dispatcher", 8);
        agentPort = FreePorts.on("127.0.0.1");
        Path log = Files.createDirectories(Path.of("target", "child-agent")).resolve("edge-agent.log");
        ProcessBuilder child = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + (HEAP_LIMIT >> 20) + "m",
                "-cp", System.getProperty("java.class.path"),
                Main.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        child.environment().putAll(Map.of(
                "PURGELINE_NODE_ID", AgentUnderTest.NODE_ID,
                "PURGELINE_HTTP_HOST", "127.0.0.1",
                "PURGELINE_HTTP_PORT", Integer.toString(agentPort),
                "PURGELINE_CACHE_KIND", NginxAdapter.KIND,
                "PURGELINE_CACHE_URL", nginx.url(),
                "PURGELINE_NODE_KEYS", AgentUnderTest.SECRET));
        agent = child.start();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            assertThat(agent.isAlive()).as("the agent process; its output is in " + log).isTrue();
            return get("/readyz").getStatus() == 200;
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (agent != null) {
            agent.destroy();
            agent.waitFor(30, TimeUnit.SECONDS);
        }
        for (AutoCloseable started : new AutoCloseable[] {callbacks, nginx, origin}) {
            if (started != null) {
                started.close();
            }
        }
        if (client != null) {
            client.stop();
        }
    }

    @Test
    void a200MbPrefetchStreamsThroughAnAgentWithA64MbHeap() throws Exception {
        origin.put("/movie/feature.mp4", Item.generated(SIZE));
        String subtaskId = "big-1@" + AgentUnderTest.NODE_ID;
        AgentBatch batch = new AgentBatch(AgentUnderTest.NODE_ID, callbacks.callbackApi(), List.of(new AgentSubtask(
                subtaskId, "big-1", TaskType.PREFETCH, List.of("http://" + HOST + "/movie/feature.mp4"), null, null,
                TaskOptions.NONE, Signatures.callbackToken(AgentUnderTest.SECRET, subtaskId))));
        long heapBefore = heapUsed();

        ContentResponse accepted = SignedPost.send(client,
                URI.create("http://127.0.0.1:" + agentPort + TaskEndpoint.PATH), Codec.standard().encode(batch),
                AgentUnderTest.ACCESS_KEY, AgentUnderTest.SECRET, Duration.ofSeconds(5)).get();
        assertThat(accepted.getStatus()).isEqualTo(202);

        AtomicLong peak = new AtomicLong(heapBefore);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50)).until(() -> {
            peak.accumulateAndGet(heapUsed(), Math::max);
            return !callbacks.callbacksFor(subtaskId).isEmpty();
        });
        SubtaskResult result = callbacks.awaitResult(subtaskId);

        assertThat(result.state()).isEqualTo(SubtaskState.DONE);
        ItemResult item = result.items().list().get(0);
        assertThat(item.httpCode()).isEqualTo(200);
        assertThat(item.bytes()).isEqualTo(SIZE);
        assertThat(agent.isAlive()).as("the agent survived the prefetch").isTrue();
        assertThat(peak.get()).as("heap used: %d MB before, at most %d MB while %d MB streamed through",
                heapBefore >> 20, peak.get() >> 20, SIZE >> 20).isLessThan(HEAP_LIMIT);
        ContentResponse cached = client.newRequest(nginx.url() + "/movie/feature.mp4")
                .method("HEAD")
                .headers(h -> h.put(HttpHeader.HOST, HOST))
                .timeout(5, TimeUnit.SECONDS)
                .send();
        assertThat(cached.getHeaders().get("X-Cache")).as("the object is in the cache").isEqualTo("HIT");
        assertThat(origin.requests("/movie/feature.mp4")).hasSize(1);
    }

    /** The agent's heap in use now, the sum of its heap pools as its /metrics reports them. */
    private static long heapUsed() throws Exception {
        Matcher m = HEAP_USED.matcher(get("/metrics").getContentAsString());
        double sum = 0;
        boolean found = false;
        while (m.find()) {
            sum += Double.parseDouble(m.group(1));
            found = true;
        }
        assertThat(found).as("heap pools in the agent's /metrics").isTrue();
        return (long) sum;
    }

    private static ContentResponse get(String path) throws Exception {
        return client.newRequest("http://127.0.0.1:" + agentPort + path).timeout(5, TimeUnit.SECONDS).send();
    }
}
