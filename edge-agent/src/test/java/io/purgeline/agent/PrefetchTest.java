package io.purgeline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.agent.GeneratedOrigin.Item;
import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.SubtaskResult;
import io.purgeline.contracts.SubtaskState;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;
import io.purgeline.testkit.CacheProcess;
import io.purgeline.testkit.FreePorts;
import io.purgeline.testkit.Nginx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Prefetch as a CDN does it, through a real nginx running the reference configuration: the node's caps on
 * concurrent prefetches and on bandwidth hold, the task's request headers reach the origin, and an HLS playlist is
 * expanded into its variant playlists and segments, all of them cached afterwards, up to the node's cap.
 */
class PrefetchTest {
    private static final String HOST = "video.example.com";
    private static final int CONCURRENCY = 2;
    private static final int BYTES_PER_SECOND = 2 * 1024 * 1024;
    private static final int HLS_MAX = 10;

    private static GeneratedOrigin origin;
    private static CacheProcess nginx;
    private static CallbackSink callbacks;
    private static AgentUnderTest agent;

    @BeforeAll
    static void start() throws Exception {
        origin = GeneratedOrigin.start();
        nginx = Nginx.start(RealCacheAgentTest.reference("/nginx/purgeline.conf"), "127.0.0.1", origin.port(),
                "127.0.0.1", FreePorts.on("127.0.0.1"));
        callbacks = CallbackSink.start(AgentUnderTest.SECRET);
        agent = AgentUnderTest.start(nginx.url(), callbacks.callbackApi(), Map.of(
                "PURGELINE_CACHE_KIND", NginxAdapter.KIND,
                "PURGELINE_PREFETCH_CONCURRENCY", Integer.toString(CONCURRENCY),
                "PURGELINE_PREFETCH_BYTES_PER_S", Integer.toString(BYTES_PER_SECOND),
                "PURGELINE_HLS_MAX_SEGMENTS", Integer.toString(HLS_MAX)));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable started : new AutoCloseable[] {agent, callbacks, nginx, origin}) {
            if (started != null) {
                started.close();
            }
        }
    }

    @Test
    void noMoreThanTheNodesConcurrencyCapOfPrefetchesReachTheOriginAtOnce() throws Exception {
        List<String> subtasks = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            // 256 KiB in 4 slow writes each: long enough that every prefetch the cap lets through overlaps.
            origin.put("/slow/" + i + ".bin", Item.slow(256 * 1024, Duration.ofMillis(100)));
            String subtaskId = "concurrent-" + i + "@" + AgentUnderTest.NODE_ID;
            subtasks.add(subtaskId);
            assertThat(agent.send(agent.batch(subtaskId, TaskType.PREFETCH,
                    List.of("http://" + HOST + "/slow/" + i + ".bin"))).getStatus()).isEqualTo(202);
        }

        for (String subtaskId : subtasks) {
            assertThat(callbacks.awaitResult(subtaskId).state()).isEqualTo(SubtaskState.DONE);
        }
        assertThat(origin.mostInFlight()).as("prefetches at the origin at once").isEqualTo(CONCURRENCY);
    }

    @Test
    void theNodesBandwidthCapPacesAPrefetch() throws Exception {
        long size = 8L * 1024 * 1024;
        origin.put("/paced.bin", Item.generated(size));

        SubtaskResult result = run("paced", TaskType.PREFETCH, List.of("http://" + HOST + "/paced.bin"),
                TaskOptions.NONE);

        assertThat(result.state()).isEqualTo(SubtaskState.DONE);
        ItemResult item = result.items().list().get(0);
        assertThat(item.bytes()).isEqualTo(size);
        // At 2 MiB/s after a burst of up to one second's worth (the cap lets an idle node start at once), and the
        // first 64 KiB read unpaced: at least 3 s for 8 MiB. A lower bound only: a slow machine is slower still.
        long floorMs = (size - BYTES_PER_SECOND - 64 * 1024) * 1000 / BYTES_PER_SECOND;
        assertThat(item.elapsedMs()).as("elapsed with a cap of " + BYTES_PER_SECOND + " bytes/s")
                .isGreaterThanOrEqualTo(floorMs);
    }

    @Test
    void thePrefetchSendsTheTasksHeadersWithTheUrlsOwnHost() throws Exception {
        origin.put("/headers.js", Item.text("console.log(1)"));

        SubtaskResult result = run("headers", TaskType.PREFETCH, List.of("http://" + HOST + "/headers.js"),
                new TaskOptions(null, null, null, Map.of("User-Agent", "purgeline-warmer/1", "X-Warm", "yes")));

        assertThat(result.state()).isEqualTo(SubtaskState.DONE);
        assertThat(origin.requests("/headers.js")).singleElement().satisfies(r -> {
            assertThat(r.header("User-agent")).isEqualTo("purgeline-warmer/1");
            assertThat(r.header("X-warm")).isEqualTo("yes");
            assertThat(r.header("Host")).isEqualTo(HOST);
        });
    }

    @Test
    void anHlsPlaylistIsExpandedIntoItsVariantsAndSegmentsAndEveryOneIsCached() throws Exception {
        origin.put("/live/master.m3u8", Item.text("""
                #EXTM3U
                #EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360
                low/index.m3u8
                #EXT-X-STREAM-INF:BANDWIDTH=2400000,RESOLUTION=1280x720
                http://%s/live/high/index.m3u8
                """.formatted(HOST)));
        for (String rendition : List.of("low", "high")) {
            origin.put("/live/" + rendition + "/index.m3u8", Item.text("""
                    #EXTM3U
                    #EXT-X-VERSION:7
                    #EXT-X-TARGETDURATION:4
                    #EXT-X-MAP:URI="init.mp4"
                    #EXTINF:4.0,
                    seg-0.m4s
                    #EXTINF:4.0,
                    seg-1.m4s
                    #EXTINF:4.0,
                    /live/%s/seg-2.m4s
                    #EXT-X-ENDLIST
                    """.formatted(rendition)));
            for (String file : List.of("init.mp4", "seg-0.m4s", "seg-1.m4s", "seg-2.m4s")) {
                origin.put("/live/" + rendition + "/" + file, Item.generated(100_000));
            }
        }

        SubtaskResult result = run("hls", TaskType.PREFETCH, List.of("http://" + HOST + "/live/master.m3u8"),
                new TaskOptions(null, null, null, null, true));

        assertThat(result.state()).isEqualTo(SubtaskState.DONE);
        List<String> segments = new ArrayList<>();
        for (String rendition : List.of("low", "high")) {
            for (String file : List.of("init.mp4", "seg-0.m4s", "seg-1.m4s", "seg-2.m4s")) {
                segments.add("http://" + HOST + "/live/" + rendition + "/" + file);
            }
        }
        assertThat(result.items().list()).extracting(ItemResult::target).containsExactly(
                "http://" + HOST + "/live/master.m3u8",
                "http://" + HOST + "/live/low/index.m3u8", segments.get(0), segments.get(1), segments.get(2),
                segments.get(3),
                "http://" + HOST + "/live/high/index.m3u8", segments.get(4), segments.get(5), segments.get(6),
                segments.get(7));
        assertThat(result.items().list()).allSatisfy(item -> {
            assertThat(item.httpCode()).isEqualTo(200);
            assertThat(item.error()).isNull();
        });
        assertThat(result.items().list()).filteredOn(item -> segments.contains(item.target()))
                .allSatisfy(item -> assertThat(item.bytes()).isEqualTo(100_000));
        for (String segment : segments) {
            String path = segment.substring(("http://" + HOST).length());
            ContentResponse served = get(path);
            assertThat(served.getHeaders().get("X-Cache")).as(path).isEqualTo("HIT");
            assertThat(origin.requests(path)).as(path + " fetched from the origin once").hasSize(1);
        }
    }

    @Test
    void aPlaylistListingMoreThanTheCapHasTheFirstOnesPrefetchedAndFails() throws Exception {
        StringBuilder playlist = new StringBuilder("#EXTM3U\n#EXT-X-TARGETDURATION:4\n");
        IntStream.range(0, HLS_MAX + 2).forEach(i -> {
            playlist.append("#EXTINF:4.0,\nlong-").append(i).append(".ts\n");
            origin.put("/vod/long-" + i + ".ts", Item.generated(1000));
        });
        origin.put("/vod/long.m3u8", Item.text(playlist.toString()));

        SubtaskResult result = run("hls-cap", TaskType.PREFETCH, List.of("http://" + HOST + "/vod/long.m3u8"),
                new TaskOptions(null, null, null, null, true));

        assertThat(result.state()).isEqualTo(SubtaskState.FAILED);
        assertThat(result.items().list()).hasSize(1 + HLS_MAX);
        assertThat(result.items().list().get(0).error()).isEqualTo("2 of the playlist's URLs were not prefetched: the"
                + " agent expands a playlist into at most " + HLS_MAX + " (PURGELINE_HLS_MAX_SEGMENTS)");
        assertThat(result.items().list().subList(1, 1 + HLS_MAX)).allSatisfy(item -> assertThat(item.error()).isNull());
        assertThat(origin.requests("/vod/long-" + (HLS_MAX + 1) + ".ts")).isEmpty();
    }

    @Test
    void withoutHlsAPlaylistIsPrefetchedAlone() throws Exception {
        origin.put("/alone/index.m3u8", Item.text("#EXTM3U\n#EXTINF:4.0,\nseg.ts\n"));

        SubtaskResult result = run("hls-off", TaskType.PREFETCH, List.of("http://" + HOST + "/alone/index.m3u8"),
                TaskOptions.NONE);

        assertThat(result.items().list()).singleElement().extracting(ItemResult::httpCode).isEqualTo(200);
        assertThat(origin.requests("/alone/seg.ts")).isEmpty();
    }

    private static SubtaskResult run(String taskId, TaskType type, List<String> targets, TaskOptions options)
            throws Exception {
        String subtaskId = taskId + "@" + AgentUnderTest.NODE_ID;
        assertThat(agent.send(SoftBatches.withOptions(agent.batch(subtaskId, type, targets), options)).getStatus())
                .isEqualTo(202);
        return callbacks.awaitResult(subtaskId);
    }

    private static ContentResponse get(String path) throws Exception {
        return agent.client().newRequest(nginx.url() + path)
                .headers(h -> h.put(HttpHeader.HOST, HOST))
                .timeout(5, TimeUnit.SECONDS)
                .send();
    }
}
