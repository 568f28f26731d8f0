package io.purgeline.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.contracts.ItemResult;
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

/** refresh_tag on a real Varnish with vmod xkey: the origin tags objects, a task purges every object of one tag. */
class VarnishTagPurgeTest {
    private static final Map<String, String> content = new ConcurrentHashMap<>();
    /** Response headers the origin adds per path: the tags, under either header name the VCL reads. */
    private static final Map<String, Map<String, String>> tagHeaders = new ConcurrentHashMap<>();

    private static RecordingServer origin;
    private static Varnish varnish;
    private static CallbackSink callbacks;
    private static AgentUnderTest agent;

    @BeforeAll
    static void start() throws Exception {
        origin = RecordingServer.start(r -> {
            String key = r.header("Host") + r.pathAndQuery();
            String body = content.get(key);
            return body == null ? RecordingServer.Answer.of(404, "no such object")
                    : new RecordingServer.Answer(200, tagHeaders.getOrDefault(key, Map.of()),
                            body.getBytes(StandardCharsets.UTF_8));
        });
        String template;
        try (InputStream in = VarnishTagPurgeTest.class.getResourceAsStream("/varnish/purgeline.vcl")) {
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
    void refreshTagPurgesEveryObjectCarryingTheTagOnAnyHostAndNothingElse() throws Exception {
        cacheThenChange("www.example.com", "/p/42.html", Map.of("xkey", "product-42 category-7"));
        cacheThenChange("img.example.com", "/42.jpg", Map.of("Surrogate-Key", "product-42"));
        cacheThenChange("www.example.com", "/p/43.html", Map.of("xkey", "product-43 category-7"));

        SubtaskResult result = run("tag-1", "product-42");

        assertThat(result.state()).isEqualTo(SubtaskState.DONE);
        assertThat(result.items().list()).singleElement().satisfies(item -> {
            assertThat(item.httpCode()).isEqualTo(200);
            assertThat(item.error()).isNull();
        });
        assertThat(get("www.example.com", "/p/42.html").getContentAsString()).isEqualTo("v2");
        assertThat(get("img.example.com", "/42.jpg").getContentAsString()).as("tagged by Surrogate-Key").isEqualTo("v2");
        assertThat(get("www.example.com", "/p/43.html").getContentAsString()).as("another tag").isEqualTo("v1");
    }

    @Test
    void tagsAreNotShownToClients() throws Exception {
        content.put("www.example.com/p/44.html", "v1");
        tagHeaders.put("www.example.com/p/44.html", Map.of("xkey", "product-44", "Surrogate-Key", "product-44"));

        ContentResponse response = get("www.example.com", "/p/44.html");

        assertThat(response.getHeaders().get("xkey")).isNull();
        assertThat(response.getHeaders().get("Surrogate-Key")).isNull();
    }

    @Test
    void aTagHoldingASeparatorFailsInsteadOfPurgingOtherTags() throws Exception {
        cacheThenChange("www.example.com", "/p/45.html", Map.of("xkey", "product-45"));

        SubtaskResult result = run("tag-2", "product-46,product-45");

        assertThat(result.state()).isEqualTo(SubtaskState.FAILED);
        assertThat(result.items().list()).singleElement().extracting(ItemResult::error).asString()
                .contains("without spaces or commas");
        assertThat(get("www.example.com", "/p/45.html").getContentAsString()).isEqualTo("v1");
    }

    private static void cacheThenChange(String host, String path, Map<String, String> tags) throws Exception {
        content.put(host + path, "v1");
        tagHeaders.put(host + path, tags);
        assertThat(get(host, path).getContentAsString()).isEqualTo("v1");
        content.put(host + path, "v2");
        assertThat(get(host, path).getContentAsString()).as("the cached copy").isEqualTo("v1");
    }

    private static SubtaskResult run(String taskId, String tag) throws Exception {
        String subtaskId = taskId + "@" + AgentUnderTest.NODE_ID;
        assertThat(agent.send(agent.batch(subtaskId, TaskType.REFRESH_TAG, List.of(tag))).getStatus()).isEqualTo(202);
        return callbacks.awaitResult(subtaskId);
    }

    private static ContentResponse get(String host, String pathAndQuery) throws Exception {
        return agent.client().newRequest(varnish.url() + pathAndQuery)
                .headers(h -> h.put(HttpHeader.HOST, host))
                .timeout(5, TimeUnit.SECONDS)
                .send();
    }
}
