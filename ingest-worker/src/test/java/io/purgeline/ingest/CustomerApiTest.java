package io.purgeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.ErrorBody;
import io.purgeline.contracts.RequestSigner;
import io.purgeline.contracts.TaskAccepted;
import io.purgeline.service.Env;
import io.purgeline.testkit.SignedHttp;
import io.purgeline.testkit.TestNamespace;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The customer API's trust: signed requests, keys, domains, task ids scoped per customer, admin-only routes. */
class CustomerApiTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static final Codec JSON = new Codec(-1);

    private static IngestWorker worker;
    private static SignedHttp admin;
    private static SignedHttp acme;
    private static SignedHttp beta;

    @BeforeAll
    static void startWorker() throws Exception {
        new NodeRegistry(ns.database().jdbi(), ns.registeredNodes())
                .register(new NodeRegistration("edge-1", "10.0.0.1:8090", 2, "eu"));
        Map<String, String> env = new HashMap<>(ns.env());
        env.put("PURGELINE_HTTP_PORT", "0");
        env.put("PURGELINE_SIGNATURE_WINDOW_MS", "30000");
        worker = IngestWorker.start(new Env(env));
        admin = SignedHttp.admin("http://127.0.0.1:" + worker.port());
        acme = admin.newCustomer("acme", "www.acme.example", "*.cdn.acme.example");
        beta = admin.newCustomer("beta", "beta.example");
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    private static String refresh(String taskId, String... urls) {
        return "{" + (taskId == null ? "" : "\"task_id\":\"" + taskId + "\",") + "\"type\":\"refresh\",\"urls\":[\""
                + String.join("\",\"", urls) + "\"]}";
    }

    private static ErrorBody error(HttpResponse<String> r) {
        return JSON.fromJson(r.body(), ErrorBody.class);
    }

    @Test
    void aSignedSubmissionOfTheCustomersOwnDomainIsAcceptedUnderItsScopedId() throws Exception {
        HttpResponse<String> r = acme.post("/v1/tasks", refresh("own-1", "https://www.acme.example/a.js",
                "https://img.cdn.acme.example/b.png"));

        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(JSON.fromJson(r.body(), TaskAccepted.class).taskId()).isEqualTo("acme:own-1");
        assertThat(acme.get("/v1/tasks/own-1").statusCode()).as("read by the id it gave").isEqualTo(200);
        assertThat(acme.get("/v1/tasks/acme:own-1").statusCode()).as("and by its full id").isEqualTo(200);
    }

    @Test
    void aRequestWithoutSignatureIsRefused401() throws Exception {
        HttpResponse<String> r = acme.unsigned("POST", "/v1/tasks", refresh("x", "https://www.acme.example/a.js"));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(error(r).error()).isEqualTo("unsigned");
        assertThat(error(r).message()).contains("Accesskey", "Timestamp", "Token");
    }

    @Test
    void anUnknownAccessKeyIsRefused401() throws Exception {
        HttpResponse<String> r = acme.as("ak-0000000000000000", "guess").post("/v1/tasks",
                refresh("x", "https://www.acme.example/a.js"));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(error(r)).isEqualTo(new ErrorBody("unknown_key",
                "access key 'ak-0000000000000000' is unknown or revoked"));
    }

    @Test
    void aWrongSecretIsRefused401() throws Exception {
        HttpResponse<String> r = acme.as(acme.accessKey(), "not-the-secret").post("/v1/tasks",
                refresh("x", "https://www.acme.example/a.js"));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(error(r).error()).isEqualTo("bad_signature");
    }

    @Test
    void aBodyChangedAfterSigningIsRefused401() throws Exception {
        byte[] signed = refresh("x", "https://www.acme.example/a.js").getBytes(StandardCharsets.UTF_8);
        HttpRequest original = acme.request("POST", "/v1/tasks", signed, Map.of());
        HttpRequest tampered = HttpRequest.newBuilder(original, (name, value) -> true)
                .POST(HttpRequest.BodyPublishers.ofString(refresh("x", "https://www.acme.example/b.js"))).build();

        HttpResponse<String> r = acme.send(tampered);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(error(r).error()).isEqualTo("bad_signature");
    }

    @Test
    void aStaleTimestampIsRefused401() throws Exception {
        HttpResponse<String> r = acme.at(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(-45)))
                .post("/v1/tasks", refresh("x", "https://www.acme.example/a.js"));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(error(r).error()).isEqualTo("stale_timestamp");
        assertThat(error(r).message()).contains("at most 30 s allowed");
    }

    @Test
    void aReplayedRequestIsRefused401AndTheTaskAcceptedOnce() throws Exception {
        HttpRequest once = acme.request("POST", "/v1/tasks",
                refresh("replayed", "https://www.acme.example/r.js").getBytes(StandardCharsets.UTF_8), Map.of());

        HttpResponse<String> first = acme.send(once);
        HttpResponse<String> again = acme.send(once);

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(error(again).error()).isEqualTo("replay");
    }

    @Test
    void copiesOfOneRequestSentAtOnceAreAcceptedOnceAndRefusedAsReplays() throws Exception {
        // Claimed together, in one batch or in batches side by side: still one claim wins.
        HttpRequest once = acme.request("POST", "/v1/tasks",
                refresh("replayed-at-once", "https://www.acme.example/r.js").getBytes(StandardCharsets.UTF_8),
                Map.of());
        HttpClient http = HttpClient.newHttpClient();

        List<HttpResponse<String>> answers = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> f : IntStream.range(0, 12)
                .mapToObj(i -> http.sendAsync(once, HttpResponse.BodyHandlers.ofString())).toList()) {
            answers.add(f.get(30, TimeUnit.SECONDS));
        }

        assertThat(answers).filteredOn(r -> r.statusCode() == 202).hasSize(1);
        assertThat(answers).filteredOn(r -> r.statusCode() == 401)
                .hasSize(11)
                .allSatisfy(r -> assertThat(error(r).error()).isEqualTo("replay"));
        assertThat(acme.get("/v1/tasks/replayed-at-once").statusCode()).isEqualTo(200);
    }

    @Test
    void aTargetOutsideTheCustomersDomainsIsRefused403NamingIt() throws Exception {
        HttpResponse<String> r = acme.post("/v1/tasks", refresh("grab", "https://www.acme.example/a.js",
                "https://beta.example/theirs.js"));

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(error(r)).isEqualTo(new ErrorBody("foreign_domain", "target 'https://beta.example/theirs.js' is"
                + " outside the domains of customer 'acme' (*.cdn.acme.example, www.acme.example)"));
        assertThat(acme.get("/v1/tasks/grab").statusCode()).isEqualTo(404);
    }

    @Test
    void aCustomerCannotSubmitForAnother() throws Exception {
        HttpResponse<String> r = beta.post("/v1/tasks", "{\"api_id\":\"acme\",\"type\":\"refresh\","
                + "\"urls\":[\"https://www.acme.example/a.js\"]}");

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(error(r).error()).isEqualTo("foreign_customer");
    }

    @Test
    void aCustomerCanNeitherReadNorTakeAnotherCustomersTaskId() throws Exception {
        assertThat(acme.post("/v1/tasks", refresh("shared-id", "https://www.acme.example/s.js")).statusCode())
                .isEqualTo(202);

        HttpResponse<String> read = beta.get("/v1/tasks/acme:shared-id");
        HttpResponse<String> take = beta.post("/v1/tasks", refresh("shared-id", "https://beta.example/s.js"));

        assertThat(read.statusCode()).isEqualTo(404);
        assertThat(error(read)).isEqualTo(new ErrorBody("not_found", "no task 'acme:shared-id'"));
        assertThat(take.statusCode()).as("the same id is beta's own").isEqualTo(202);
        assertThat(JSON.fromJson(take.body(), TaskAccepted.class).taskId()).isEqualTo("beta:shared-id");
        assertThat(beta.get("/v1/tasks/shared-id").body()).contains("\"task_id\":\"beta:shared-id\"");
        assertThat(admin.get("/v1/tasks/acme:shared-id").statusCode()).as("operators read any").isEqualTo(200);
    }

    @Test
    void adminRoutesRefuseACustomersKey() throws Exception {
        HttpResponse<String> customers = acme.get("/v1/customers");
        HttpResponse<String> nodes = acme.post("/v1/nodes", "{\"node_id\":\"evil\",\"address\":\"10.6.6.6:8090\"}");
        HttpResponse<String> unsigned = acme.unsigned("POST", "/v1/customers",
                "{\"api_id\":\"mallory\",\"name\":\"m\",\"domains\":[\"*.com\"]}");

        assertThat(customers.statusCode()).isEqualTo(403);
        assertThat(error(customers).error()).isEqualTo("admin_only");
        assertThat(nodes.statusCode()).isEqualTo(403);
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(admin.get("/v1/customers/mallory").statusCode()).isEqualTo(404);
    }

    @Test
    void keysRotateTheOldOneIsRevokedAndTheNewOneWorks() throws Exception {
        SignedHttp gamma = admin.newCustomer("gamma", "gamma.example");
        SignedHttp gammaNew = admin.newKey("gamma");

        assertThat(gamma.post("/v1/tasks", refresh(null, "https://gamma.example/1.js")).statusCode()).isEqualTo(202);
        assertThat(gammaNew.post("/v1/tasks", refresh(null, "https://gamma.example/2.js")).statusCode())
                .as("both keys work during the rotation").isEqualTo(202);
        assertThat(admin.delete("/v1/customers/gamma/keys/" + gamma.accessKey()).statusCode()).isEqualTo(204);

        HttpResponse<String> old = gamma.post("/v1/tasks", refresh(null, "https://gamma.example/3.js"));
        assertThat(old.statusCode()).isEqualTo(401);
        assertThat(error(old).error()).isEqualTo("unknown_key");
        assertThat(gammaNew.post("/v1/tasks", refresh(null, "https://gamma.example/4.js")).statusCode())
                .isEqualTo(202);
        assertThat(admin.get("/v1/customers/gamma").body()).contains("\"state\":\"revoked\"")
                .doesNotContain("secret");
    }

    @Test
    void aDisabledCustomersKeysAreRefusedUntilItIsEnabled() throws Exception {
        SignedHttp delta = admin.newCustomer("delta", "delta.example");

        assertThat(admin.post("/v1/customers/delta/disable", "").statusCode()).isEqualTo(200);
        assertThat(delta.post("/v1/tasks", refresh(null, "https://delta.example/1.js")).statusCode()).isEqualTo(401);
        assertThat(admin.post("/v1/customers/delta/enable", "").statusCode()).isEqualTo(200);
        assertThat(delta.post("/v1/tasks", refresh(null, "https://delta.example/1.js")).statusCode()).isEqualTo(202);
    }

    @Test
    void domainsAreAddedAndRemovedByTheAdmin() throws Exception {
        SignedHttp epsilon = admin.newCustomer("epsilon");
        assertThat(epsilon.post("/v1/tasks", refresh(null, "https://eps.example/1.js")).statusCode()).isEqualTo(403);

        assertThat(admin.post("/v1/customers/epsilon/domains", "{\"domain\":\"EPS.example\"}").body())
                .contains("\"domains\":[\"eps.example\"]");
        assertThat(epsilon.post("/v1/tasks", refresh(null, "https://eps.example/1.js")).statusCode()).isEqualTo(202);
        assertThat(admin.delete("/v1/customers/epsilon/domains/eps.example").statusCode()).isEqualTo(204);
        assertThat(epsilon.post("/v1/tasks", refresh(null, "https://eps.example/2.js")).statusCode()).isEqualTo(403);
        assertThat(admin.post("/v1/customers/epsilon/domains", "{\"domain\":\"*.\"}").statusCode()).isEqualTo(400);
    }

    @Test
    void secretsAreSealedAtRestAndShownOnlyWhenMade() throws Exception {
        HttpResponse<String> made = admin.post("/v1/customers/beta/keys", "");
        @SuppressWarnings("unchecked")
        Map<String, String> key = JSON.fromJson(made.body(), Map.class);

        byte[] stored = ns.database().jdbi().withHandle(h -> h.select(
                "SELECT secret_sealed FROM customer_keys WHERE access_key = ?", key.get("access_key"))
                .mapTo(byte[].class).one());
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(key.get("secret"));
        assertThat(admin.get("/v1/customers/beta").body()).contains(key.get("access_key"))
                .doesNotContain(key.get("secret"));
        assertThat(admin.get("/v1/customers").body()).doesNotContain(key.get("secret"));
    }

    @Test
    void refusalsAreCountedByReasonAndTheApiKeepsServing() throws Exception {
        acme.unsigned("GET", "/v1/tasks/x", null);
        acme.as(acme.accessKey(), "wrong").get("/v1/tasks/x");
        beta.get("/v1/tasks/acme:anything");

        assertThat(acme.post("/v1/tasks", refresh(null, "https://www.acme.example/after.js")).statusCode())
                .isEqualTo(202);
        String metrics = acme.unsigned("GET", "/metrics", null).body();
        for (String reason : List.of("unsigned", "bad_signature", "foreign_task")) {
            assertThat(metrics).contains("purgeline_refused_total{reason=\"" + reason + "\"");
        }
    }

    @Test
    void theSignatureIsTheOneDocumented() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        Clock at = Clock.fixed(java.time.Instant.ofEpochSecond(1_700_000_000L), java.time.ZoneOffset.UTC);

        Map<String, String> headers = RequestSigner.sign("POST", "/v1/tasks", body, "ak-1", "s3cret", at);

        assertThat(headers).containsEntry("Accesskey", "ak-1").containsEntry("Timestamp", "1700000000")
                .containsEntry("Token", io.purgeline.contracts.Signatures.hmacHex("s3cret",
                        "POST\n/v1/tasks\n1700000000\n" + io.purgeline.contracts.Signatures.sha256Hex(body)));
    }
}
