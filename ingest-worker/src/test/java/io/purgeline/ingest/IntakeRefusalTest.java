package io.purgeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.ErrorBody;
import io.purgeline.contracts.TaskAccepted;
import io.purgeline.contracts.TaskEvent;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.runtime.Topology;
import io.purgeline.service.Env;
import io.purgeline.testkit.Tap;
import io.purgeline.testkit.SignedHttp;
import io.purgeline.testkit.TestNamespace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;
import org.xerial.snappy.Snappy;

/**
 * Every refusal at intake, over HTTP and AMQP: the answer names what is wrong, the refusal is counted in
 * {@code /metrics} by reason, nothing is accepted, and intake goes on accepting the next valid task.
 */
class IntakeRefusalTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Codec JSON = new Codec(-1);
    /** Small enough that a 3 MiB body is over it, large enough for a compressed bomb to get through to the codec. */
    private static final int MAX_BODY = 2 << 20;

    private static IngestWorker worker;
    /** Signed as customer acme, whose domains are *.example.com. */
    private static SignedHttp http;
    private static SignedHttp admin;
    private static Tap events;
    private static QueueReader dead;

    @BeforeAll
    static void startWorker() throws Exception {
        NodeRegistry nodes = new NodeRegistry(ns.database().jdbi(), ns.registeredNodes());
        nodes.register(new NodeRegistration("edge-1", "10.0.0.1:8090", 2, "eu"));
        events = ns.tap(ns.topology().eventsExchange(), "#");
        dead = QueueReader.open(ns, List.of(ns.topology().deadQueue(Topology.Area.INGEST)));
        Map<String, String> env = new HashMap<>(ns.env());
        env.put("PURGELINE_HTTP_PORT", "0");
        env.put("PURGELINE_HTTP_MAX_BODY_BYTES", Integer.toString(MAX_BODY));
        worker = IngestWorker.start(new Env(env));
        admin = SignedHttp.admin("http://127.0.0.1:" + worker.port());
        http = admin.newCustomer("acme", "*.example.com");
    }

    @AfterAll
    static void stopWorker() throws Exception {
        worker.close();
        events.close();
        dead.close();
    }

    @Test
    void anUnknownFieldIsRefusedNamingItOverHttp() throws Exception {
        HttpResponse<String> r = post(("{\"api_id\":\"acme\",\"type\":\"refresh\","
                + "\"urls\":[\"https://www.example.com/a.js\"],\"scpoe\":{\"nodes\":[\"edge-1\"]}}")
                .getBytes(StandardCharsets.UTF_8), null);

        assertRefused(r, 400, "unknown_field", "unknown field 'scpoe' in the body");
    }

    @Test
    void aBodyOverTheLimitIsRefusedAndTheClientAlwaysGetsTheAnswer() throws Exception {
        byte[] huge = new byte[MAX_BODY + (1 << 20)];
        java.util.Arrays.fill(huge, (byte) ' ');

        // Answered while the client was still sending, the refusal was lost to a reset about once in four tries.
        for (int i = 0; i < 12; i++) {
            assertRefused(post(huge, null), 413, "too_large", "exceeds the limit of " + MAX_BODY);
        }
    }

    @Test
    void aDecompressionBombIsRefusedByTheLengthItDeclares() throws Exception {
        byte[] bomb = Snappy.compress(new byte[32 << 20]);
        assertThat(bomb.length).isLessThan(MAX_BODY);

        assertRefused(post(bomb, "snappy"), 413, "too_large", "would inflate to 33554432 bytes");
    }

    @Test
    void invalidUrlAndHostFormsAreRefusedAndHostsWithUnderscoresAccepted() throws Exception {
        for (String url : List.of("https://user@www.example.com/a.js", "https://a..b/a.js", "https://-x.example/",
                "https://www.example.com:0/", "https://www.exa mple.com/", "https:///a.js")) {
            HttpResponse<String> r = submit(Submissions.refresh(url));
            assertThat(r.statusCode()).as(url).isEqualTo(400);
            assertThat(JSON.fromJson(r.body(), ErrorBody.class).message()).as(url).startsWith("urls[0]: ");
        }
        assertThat(submit(Submissions.refresh("https://img_cdn.example.com/a.js")).statusCode()).isEqualTo(202);
        assertCounted("400", "invalid");
    }

    @Test
    void sizesThatWouldNotFitTheColumnsAreRefusedWith413() throws Exception {
        assertRefused(submit(Submissions.refresh("https://www.example.com/a.js")
                        .options(new TaskOptions(null, null, null, Map.of("X-Huge", "v".repeat(70_000))))),
                413, "too_large", "options.headers['X-Huge'] is 70000 characters long, at most 1024");
        Map<String, String> many = IntStream.range(0, 33).boxed()
                .collect(Collectors.toMap(i -> "X-H" + i, i -> "v"));
        assertRefused(submit(Submissions.refresh("https://www.example.com/a.js")
                        .options(new TaskOptions(null, null, null, many))),
                413, "too_large", "options.headers has 33 headers, at most 32");
        assertRefused(submit(Submissions.refresh("https://www.example.com/a.js")
                        .options(new TaskOptions(null, null, null, Map.of("X-Evil", "a\r\nHost: b")))),
                400, "invalid", "options.headers['X-Evil'] contains a control character");
        assertRefused(submit(Submissions.refresh("https://www.example.com/" + "a".repeat(2100))),
                413, "too_large", "urls[0] is 2124 characters long, at most 2048");
        // 2,200 URLs of 2,000 characters: 4.4 MB of targets, sent compressed under the body limit.
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 2200; i++) {
            urls.add("https://www.example.com/" + i + "/" + "p".repeat(1970));
        }
        byte[] body = Snappy.compress(JSON.toJson(Submissions.refresh("x").urls(urls).build())
                .getBytes(StandardCharsets.UTF_8));
        assertThat(body.length).isLessThan(MAX_BODY);
        assertRefused(post(body, "snappy"), 413, "too_large", "urls take ");

        HttpResponse<String> node = admin.post("/v1/nodes", "{\"node_id\":\"edge-long\",\"address\":\""
                + "h".repeat(60) + "." + "h".repeat(60) + "." + "h".repeat(60) + "." + "h".repeat(70) + ":8090\"}");
        assertRefused(node, 400, "invalid", "address is 258 characters long, at most 255");
    }

    @Test
    void overAmqpAnUnknownFieldABombAndAnOversizedHeaderAreParkedCountedAndTheNextTaskAccepted() throws Exception {
        publish("{\"api_id\":\"acme\",\"type\":\"refresh\",\"urls\":[\"https://www.example.com/a.js\"],"
                .concat("\"prority\":9}").getBytes(StandardCharsets.UTF_8), null, "amqp-typo");
        publish(Snappy.compress(new byte[32 << 20]), "snappy", "amqp-bomb");
        String oversized = "amqp-huge-" + UUID.randomUUID();
        publish(JSON.toJson(Submissions.refresh("https://www.example.com/a.js").taskId(oversized)
                        .options(new TaskOptions(null, null, null, Map.of("X-Huge", "v".repeat(70_000)))).build())
                .getBytes(StandardCharsets.UTF_8), null, "amqp-huge");
        String good = "amqp-good-" + UUID.randomUUID();
        publish(JSON.toJson(Submissions.refresh("https://www.example.com/a.js").taskId(good).build())
                .getBytes(StandardCharsets.UTF_8), null, "amqp-good");

        assertThat(events.await("task.accepted", TaskEvent.class, e -> e.taskId().equals("acme:" + good), WAIT).total())
                .isEqualTo(1);
        assertThat(dead.await(g -> "amqp-typo".equals(g.props().getMessageId()), WAIT)
                .header(Topology.DEAD_REASON_HEADER)).startsWith("unknown field 'prority' in the body");
        assertThat(dead.await(g -> "amqp-bomb".equals(g.props().getMessageId()), WAIT)
                .header(Topology.DEAD_REASON_HEADER)).contains("would inflate to 33554432 bytes");
        assertThat(dead.await(g -> "amqp-huge".equals(g.props().getMessageId()), WAIT)
                .header(Topology.DEAD_REASON_HEADER)).startsWith("task rejected: options.headers['X-Huge']");
        assertThat(events.await("task.rejected", TaskEvent.class, e -> e.taskId().endsWith(oversized), WAIT).reason())
                .contains("at most 1024");
        String metrics = get("/metrics").body();
        assertThat(metrics).contains("purgeline_dead_letters_total{area=\"ingest\",reason=\"unknown_field\"",
                "purgeline_dead_letters_total{area=\"ingest\",reason=\"too_large\"",
                "purgeline_dead_letters_total{area=\"ingest\",reason=\"invalid\"");
    }

    private static void assertRefused(HttpResponse<String> r, int status, String code, String message)
            throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        ErrorBody error = JSON.fromJson(r.body(), ErrorBody.class);
        assertThat(error.error()).isEqualTo(code);
        assertThat(error.message()).contains(message);
        assertCounted(Integer.toString(status), code);
        // Intake goes on: the next valid task is accepted.
        HttpResponse<String> next = submit(Submissions.refresh("https://www.example.com/next.js"));
        assertThat(next.statusCode()).isEqualTo(202);
        assertThat(JSON.fromJson(next.body(), TaskAccepted.class).total()).isEqualTo(1);
    }

    private static void assertCounted(String status, String code) throws Exception {
        assertThat(get("/metrics").body())
                .contains("purgeline_http_refusals_total{reason=\"" + code + "\",status=\"" + status + "\"");
    }

    private static HttpResponse<String> submit(Submissions s) throws Exception {
        return post(JSON.toJson(s.build()).getBytes(StandardCharsets.UTF_8), null);
    }

    private static HttpResponse<String> post(byte[] body, String encoding) throws Exception {
        Map<String, String> headers = new HashMap<>(Map.of("Content-Type", "application/json"));
        if (encoding != null) {
            headers.put("Content-Encoding", encoding);
        }
        return http.send("POST", "/v1/tasks", body, headers);
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return http.get(path);
    }

    private static void publish(byte[] body, String encoding, String messageId) {
        MessageProperties p = new MessageProperties();
        p.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        p.setContentEncoding(encoding);
        p.setMessageId(messageId);
        p.setUserId(ns.config().amqp().user()); // as the upstream publishes
        ns.publisher().publishRaw(ns.topology().tasksExchange(), Topology.SUBMIT_KEY, new Message(body, p));
    }
}
