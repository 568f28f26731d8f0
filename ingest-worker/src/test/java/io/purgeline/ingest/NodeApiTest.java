package io.purgeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.ErrorBody;
import io.purgeline.contracts.Node;
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

class NodeApiTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static final Codec JSON = new Codec(-1);

    private static IngestWorker worker;
    private static SignedHttp http;

    /** Body of {@code GET /v1/nodes}. */
    record NodeList(List<Node> nodes) {}

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
    void registeringANodeAnswers201WithTheNodeAndItsDefaults() throws Exception {
        HttpResponse<String> r = http.post("/v1/nodes", "{\"node_id\": \"edge-new\", \"address\": \"10.0.0.5:8090\"}");

        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(JSON.fromJson(r.body(), Node.class))
                .isEqualTo(new Node("edge-new", "10.0.0.5:8090", 2, "default", "online"));
    }

    @Test
    void aBadRegistrationAnswers400WithTheReason() throws Exception {
        HttpResponse<String> r = http.post("/v1/nodes", "{\"node_id\": \"edge-x\", \"address\": \"10.0.0.5\"}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.fromJson(r.body(), ErrorBody.class)).isEqualTo(new ErrorBody("invalid",
                "address '10.0.0.5' must be host:port, for example edge-7.example.net:8090 or [2001:db8::7]:8090"));
        assertThat(http.get("/v1/nodes/edge-x").statusCode()).isEqualTo(404);
    }

    @Test
    void aRegistrationThatIsNotJsonAnswers400() throws Exception {
        HttpResponse<String> r = http.post("/v1/nodes", "{\"node_id\": \"edge-x\", \"tier\": \"parent\"}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.fromJson(r.body(), ErrorBody.class).message()).startsWith("body is not a valid NodeRegistration");
    }

    @Test
    void registeredNodesAreListedAndFetchedOneByOne() throws Exception {
        http.post("/v1/nodes", "{\"node_id\": \"list-b\", \"address\": \"b.example:1\", \"tier\": 1, \"region\": \"eu\"}");
        http.post("/v1/nodes", "{\"node_id\": \"list-a\", \"address\": \"a.example:1\"}");

        List<Node> listed = JSON.fromJson(http.get("/v1/nodes").body(), NodeList.class).nodes();
        HttpResponse<String> one = http.get("/v1/nodes/list-b");

        assertThat(listed).extracting(Node::nodeId).containsSubsequence("list-a", "list-b");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(JSON.fromJson(one.body(), Node.class)).isEqualTo(new Node("list-b", "b.example:1", 1, "eu", "online"));
    }

    @Test
    void anUnknownNodeAnswers404() throws Exception {
        HttpResponse<String> r = http.get("/v1/nodes/nobody");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(JSON.fromJson(r.body(), ErrorBody.class))
                .isEqualTo(new ErrorBody("not_found", "no registered node 'nobody'"));
    }

    @Test
    void deletingANodeAnswers204ThenItIsGoneAndDeletingAgainAnswers404() throws Exception {
        http.post("/v1/nodes", "{\"node_id\": \"edge-gone\", \"address\": \"10.0.0.6:8090\"}");

        assertThat(http.delete("/v1/nodes/edge-gone").statusCode()).isEqualTo(204);
        assertThat(http.get("/v1/nodes/edge-gone").statusCode()).isEqualTo(404);
        assertThat(http.delete("/v1/nodes/edge-gone").statusCode()).isEqualTo(404);
    }

    @Test
    void registeringAndRemovingANodeKeepsTheSetThatCallbackWorkerHearsHeartbeatsFrom() throws Exception {
        http.post("/v1/nodes", "{\"node_id\": \"edge-heard\", \"address\": \"10.0.0.8:8090\"}");
        assertThat(ns.registeredNodes().contains("edge-heard")).isTrue();

        http.delete("/v1/nodes/edge-heard");
        assertThat(ns.registeredNodes().contains("edge-heard")).isFalse();
    }

    @Test
    void nodeRoutesWithoutTheAdminKeyAreRefusedAndCounted() throws Exception {
        HttpResponse<String> unsigned = http.unsigned("POST", "/v1/nodes",
                "{\"node_id\": \"edge-evil\", \"address\": \"10.6.6.6:8090\"}");
        HttpResponse<String> wrongSecret = http.as("admin", "guessed").delete("/v1/nodes/edge-worker");
        HttpResponse<String> unknownKey = http.as("nobody", "guessed").get("/v1/nodes");

        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(JSON.fromJson(unsigned.body(), ErrorBody.class).error()).isEqualTo("unsigned");
        assertThat(wrongSecret.statusCode()).isEqualTo(401);
        assertThat(JSON.fromJson(wrongSecret.body(), ErrorBody.class).error()).isEqualTo("bad_signature");
        assertThat(unknownKey.statusCode()).isEqualTo(401);
        assertThat(JSON.fromJson(unknownKey.body(), ErrorBody.class).error()).isEqualTo("unknown_key");
        assertThat(http.get("/v1/nodes/edge-evil").statusCode()).isEqualTo(404);
        assertThat(http.unsigned("GET", "/metrics", null).body())
                .contains("purgeline_refused_total{reason=\"unsigned\"")
                .contains("purgeline_refused_total{reason=\"bad_signature\"")
                .contains("purgeline_refused_total{reason=\"unknown_key\"");
    }

    @Test
    void aNodeRegisteredOverHttpReceivesWork() throws Exception {
        http.post("/v1/nodes", "{\"node_id\": \"edge-worker\", \"address\": \"10.0.0.7:8090\", \"region\": \"ap\"}");

        http.newCustomer("acme", "a.example");

        HttpResponse<String> r = http.post("/v1/tasks", "{\"task_id\": \"to-ap\", \"api_id\": \"acme\", "
                + "\"type\": \"refresh\", \"urls\": [\"https://a.example/x\"], \"scope\": {\"regions\": [\"ap\"]}}");

        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.body()).contains("\"total\":1");
    }

    @Test
    void aDrainedNodeStaysRegisteredButGetsNoNewWorkUntilRegisteredAgain() throws Exception {
        http.post("/v1/nodes", "{\"node_id\": \"edge-drain\", \"address\": \"10.0.0.8:8090\", \"region\": \"sa\"}");
        String task = "{\"api_id\": \"acme\", \"type\": \"refresh\", \"urls\": [\"https://a.example/x\"], "
                + "\"scope\": {\"regions\": [\"sa\"]}}";

        HttpResponse<String> drained = http.post("/v1/nodes/edge-drain/drain", "");

        assertThat(drained.statusCode()).isEqualTo(200);
        assertThat(JSON.fromJson(drained.body(), Node.class).state()).isEqualTo("drained");
        assertThat(JSON.fromJson(http.get("/v1/nodes/edge-drain").body(), Node.class).state()).isEqualTo("drained");
        HttpResponse<String> refused = http.post("/v1/tasks", task);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("no registered node matches the scope");

        http.post("/v1/nodes", "{\"node_id\": \"edge-drain\", \"address\": \"10.0.0.8:8090\", \"region\": \"sa\"}");
        assertThat(http.post("/v1/tasks", task).statusCode()).isEqualTo(202);
        assertThat(http.post("/v1/nodes/nobody/drain", "").statusCode()).isEqualTo(404);
    }
}
