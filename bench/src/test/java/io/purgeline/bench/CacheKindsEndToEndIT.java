package io.purgeline.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.TaskAccepted;
import io.purgeline.contracts.TaskEvent;
import io.purgeline.contracts.TaskStatus;
import io.purgeline.testkit.Tap;
import io.purgeline.testkit.TestNamespace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * purgeline as deployed in front of every cache kind: a Varnish, an nginx, a Traffic Server and a Squid edge, each the
 * real package on its own loopback address with the agent's reference configuration and an agent beside it.
 */
class CacheKindsEndToEndIT {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static final Codec codec = Codec.standard();
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final List<String> KINDS = List.of("varnish", "nginx", "ats", "squid");
    /** The kinds that cannot purge a directory (docs/caches.md). */
    private static final List<String> NO_DIRECTORY_PURGE = List.of("nginx", "ats", "squid");
    private static LocalStack stack;

    /** Body of {@code GET /v1/caches}, as far as these tests read it. */
    record CacheKind(String kind, List<String> types, List<String> nodes) {}

    record Caches(List<CacheKind> caches) {}
    private static Tap events;

    @BeforeAll
    static void startStack() throws Exception {
        events = ns.tap(ns.topology().eventsExchange(), "#");
        stack = LocalStack.start(LocalStack.home(), ns.env(), Path.of("target", "e2e-logs", ns.config().namespace()), 0);
        for (int i = 0; i < KINDS.size(); i++) {
            stack.addEdge("edge-" + KINDS.get(i), "127.0.2." + (i + 1), KINDS.get(i));
        }
    }

    @AfterAll
    static void stopStack() throws Exception {
        if (stack != null) {
            stack.close();
        }
        events.close();
    }

    @Test
    void aRefreshPurgesEveryKindOfCacheAndTheTaskCompletes() throws Exception {
        String url = "http://www.example.com/static/app-" + UUID.randomUUID() + ".js";
        String fresh = "refreshed-" + UUID.randomUUID();
        for (LocalStack.Edge edge : stack.edges()) {
            String cached = edge.fetch(url).body();
            edge.origin().publish(fresh);
            assertThat(edge.fetch(url).body()).as(edge.nodeId() + " still serves the cached copy").isEqualTo(cached);
        }

        String taskId = submit("refresh", "urls", url);

        TaskEvent done = events.await("task.completed", TaskEvent.class, e -> e.taskId().equals(taskId), PATIENCE);
        assertThat(done.done()).isEqualTo(KINDS.size());
        assertThat(done.failed()).isZero();
        for (LocalStack.Edge edge : stack.edges()) {
            assertThat(edge.fetch(url).body()).as(edge.nodeId() + " serves the new version").startsWith(fresh);
        }
    }

    @Test
    void aDirectoryPurgeEmptiesVarnishAndFailsOnEveryCacheThatCannotDoItNamingTheCache() throws Exception {
        String dir = "http://www.example.com/dir-" + UUID.randomUUID() + "/";
        LocalStack.Edge varnish = edge("varnish");
        String cached = varnish.fetch(dir + "a.css").body();
        String fresh = "banned-" + UUID.randomUUID();
        varnish.origin().publish(fresh);
        assertThat(varnish.fetch(dir + "a.css").body()).as("the cached copy").isEqualTo(cached);

        String taskId = submit("refresh_dir", "dirs", dir);

        TaskEvent failed = events.await("task.failed", TaskEvent.class, e -> e.taskId().equals(taskId), PATIENCE);
        assertThat(failed.done()).isEqualTo(1);
        assertThat(failed.failedNodes()).extracting(n -> n.nodeId())
                .containsExactlyInAnyOrderElementsOf(NO_DIRECTORY_PURGE.stream().map(k -> "edge-" + k).toList());
        assertThat(failed.failedNodes()).allSatisfy(n -> assertThat(n.reason())
                .contains("refresh_dir is unsupported by " + n.nodeId().substring("edge-".length())));
        assertThat(varnish.fetch(dir + "a.css").body()).as("banned on Varnish").startsWith(fresh);

        TaskStatus status = codec.fromJson(stack.get("/v1/tasks/" + taskId).body(), TaskStatus.class);
        assertThat(status.nodes()).filteredOn(n -> !n.nodeId().equals("edge-varnish")).allSatisfy(n -> {
            assertThat(n.state()).isEqualTo("failed");
            assertThat(n.lastError()).contains("refresh_dir is unsupported by " + n.nodeId().substring("edge-".length()));
        });
    }

    @Test
    void aTagPurgeThroughThePipelineRemovesEveryTaggedObjectFromVarnish() throws Exception {
        String tag = "product-" + UUID.randomUUID();
        String prefix = "/p/" + UUID.randomUUID() + "/";
        LocalStack.Edge varnish = edge("varnish");
        varnish.origin().tag(prefix, tag + " catalogue");
        String page = "http://www.example.com" + prefix + "page.html";
        String image = "http://img.example.com" + prefix + "photo.jpg";
        String untagged = "http://www.example.com/untagged-" + UUID.randomUUID() + ".html";
        varnish.fetch(page);
        varnish.fetch(image);
        String untaggedCopy = varnish.fetch(untagged).body();
        String fresh = "retagged-" + UUID.randomUUID();
        varnish.origin().publish(fresh);

        String taskId = submit("refresh_tag", "tags", tag, List.of(varnish), "{}");

        TaskEvent done = events.await("task.completed", TaskEvent.class, e -> e.taskId().equals(taskId), PATIENCE);
        assertThat(done.done()).isEqualTo(1);
        assertThat(varnish.fetch(page).body()).as("tagged, on one host").startsWith(fresh);
        assertThat(varnish.fetch(image).body()).as("tagged, on another host").startsWith(fresh);
        assertThat(varnish.fetch(untagged).body()).as("not tagged").isEqualTo(untaggedCopy);
    }

    @Test
    void aSoftPurgeThroughThePipelineServesTheStaleCopyOnceThenTheNewVersion() throws Exception {
        String url = "http://www.example.com/soft-" + UUID.randomUUID() + ".js";
        LocalStack.Edge varnish = edge("varnish");
        String cached = varnish.fetch(url).body();
        String fresh = "soft-" + UUID.randomUUID();
        varnish.origin().publish(fresh);

        String taskId = submit("refresh", "urls", url, List.of(varnish), "{\"soft\": true}");

        events.await("task.completed", TaskEvent.class, e -> e.taskId().equals(taskId), PATIENCE);
        CacheFetch.Response first = varnish.fetch(url);
        assertThat(first.body()).as("the stale copy, while Varnish refetches").isEqualTo(cached);
        assertThat(first.header("X-Cache")).isEqualTo("STALE");
        await().atMost(PATIENCE).until(() -> varnish.fetch(url).body().startsWith(fresh));
    }

    @Test
    void aVerifiedRefreshReportsWhatEachCacheServesAfterThePurge() throws Exception {
        String url = "http://www.example.com/verified-" + UUID.randomUUID() + ".js";
        String fresh = "verified-" + UUID.randomUUID();
        for (LocalStack.Edge edge : stack.edges()) {
            edge.fetch(url);
            edge.origin().publish(fresh);
        }

        String taskId = submit("refresh", "urls", url, stack.edges(), "{\"verify\": true}");

        events.await("task.completed", TaskEvent.class, e -> e.taskId().equals(taskId), PATIENCE);
        TaskStatus status = codec.fromJson(stack.get("/v1/tasks/" + taskId).body(), TaskStatus.class);
        assertThat(status.nodes()).hasSize(KINDS.size()).allSatisfy(n -> assertThat(n.items()).singleElement()
                .satisfies(item -> {
                    // Agents answer with the target left out (its index names it); the status puts it back.
                    assertThat(item.target()).as(n.nodeId()).isEqualTo(url);
                    assertThat(item.verification()).as(n.nodeId()).isNotNull();
                    assertThat(item.verification().fresh()).as(n.nodeId() + ": " + item.verification().evidence())
                            .isTrue();
                }));
        for (LocalStack.Edge edge : stack.edges()) {
            assertThat(edge.fetch(url).body()).as(edge.nodeId() + " warmed by the verification").startsWith(fresh);
        }
    }

    @Test
    void theCachesRouteListsEachEdgeUnderItsKindWithWhatItCanDo() {
        await().atMost(PATIENCE).untilAsserted(() -> {
            Caches caches = codec.fromJson(stack.admin().get("/v1/caches").body(), Caches.class);
            for (String kind : KINDS) {
                CacheKind entry = caches.caches().stream().filter(c -> kind.equals(c.kind())).findFirst()
                        .orElseThrow();
                assertThat(entry.nodes()).as(kind).contains("edge-" + kind);
                assertThat(entry.types()).as(kind).contains("refresh", "prefetch");
            }
        });
    }

    private static LocalStack.Edge edge(String kind) {
        return stack.edges().stream().filter(e -> e.nodeId().equals("edge-" + kind)).findFirst().orElseThrow();
    }

    private static String submit(String type, String listField, String target) throws Exception {
        return submit(type, listField, target, stack.edges(), "{}");
    }

    private static String submit(String type, String listField, String target, List<LocalStack.Edge> on,
            String options) throws Exception {
        String nodes = String.join("\", \"", on.stream().map(LocalStack.Edge::nodeId).toList());
        var accepted = stack.post("/v1/tasks", """
                {"api_id": "acme", "type": "%s", "%s": ["%s"], "scope": {"nodes": ["%s"]}, "options": %s}
                """.formatted(type, listField, target, nodes, options));
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        return codec.fromJson(accepted.body(), TaskAccepted.class).taskId();
    }
}
