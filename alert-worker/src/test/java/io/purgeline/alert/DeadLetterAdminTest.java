package io.purgeline.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import io.purgeline.runtime.Topology;
import io.purgeline.service.Env;
import io.purgeline.testkit.SignedHttp;
import io.purgeline.testkit.TestNamespace;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code bin/purgeline dead list|replay|drop} talks to these endpoints. */
class DeadLetterAdminTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private AlertWorker worker;

    @BeforeEach
    void start() throws Exception {
        Map<String, String> env = new HashMap<>(ns.env());
        env.put("PURGELINE_HTTP_PORT", "0");
        worker = AlertWorker.start(new Env(env));
        park("m1", "body one", "bad json");
        park("m2", "body two", "unknown type 'x'");
        park("m3", "body three", "non-http URL");
    }

    @AfterEach
    void stop() {
        worker.close();
        ns.broker().withChannel(ch -> {
            ch.queuePurge(ns.topology().deadQueue(Topology.Area.INGEST));
            ch.queuePurge(ns.topology().ingestQueue());
        });
    }

    @Test
    void listingShowsEachParkedMessageWithItsReasonAndLeavesThemParked() throws Exception {
        HttpResponse<String> r = call("GET", "/v1/dead/ingest");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"message_id\":\"m1\"", "\"reason\":\"bad json\"", "\"body\":\"body one\"",
                "\"source\":\"" + ns.topology().ingestQueue() + "\"", "unknown type 'x'", "non-http URL");
        assertThat(call("GET", "/v1/dead").body()).contains("\"ingest\":3");
        assertThat(ns.depth(ns.topology().deadQueue(Topology.Area.INGEST))).isEqualTo(3);
    }

    @Test
    void replayingOneMessagePutsItBackOnItsSourceQueueWithoutTheDeadLetterHeaders() throws Exception {
        assertThat(call("POST", "/v1/dead/ingest/replay?message_id=m2").body())
                .isEqualTo("{\"replayed\":1,\"kept\":0}");
        assertThat(ns.depth(ns.topology().deadQueue(Topology.Area.INGEST))).isEqualTo(2);
        GetResponse[] back = new GetResponse[1];
        ns.broker().withChannel(ch -> back[0] = ch.basicGet(ns.topology().ingestQueue(), true));
        assertThat(new String(back[0].getBody(), StandardCharsets.UTF_8)).isEqualTo("body two");
        assertThat(back[0].getProps().getMessageId()).isEqualTo("m2");
        assertThat(back[0].getProps().getDeliveryMode()).as("persistent, as it was parked").isEqualTo(2);
        assertThat(back[0].getProps().getHeaders()).doesNotContainKeys(Topology.DEAD_REASON_HEADER,
                Topology.DEAD_SOURCE_HEADER);
        assertThat(call("GET", "/v1/dead/ingest").body()).contains("m1", "m3").doesNotContain("m2");
    }

    @Test
    void aMessageWhoseSourceIsNoQueueStaysParkedWhenReplayed() throws Exception {
        park("m4", "undecodable stored delivery", "not a DispatchMessage", ns.keys().inflightDeliveries());
        assertThat(call("POST", "/v1/dead/ingest/replay").body()).isEqualTo("{\"replayed\":3,\"kept\":1}");
        assertThat(call("GET", "/v1/dead/ingest").body()).contains("m4").doesNotContain("m1", "m2", "m3");
        assertThat(ns.depth(ns.topology().deadQueue(Topology.Area.INGEST))).isEqualTo(1);
        assertThat(ns.depth(ns.topology().ingestQueue())).isEqualTo(3);
    }

    @Test
    void droppingRemovesOneOrAll() throws Exception {
        assertThat(call("POST", "/v1/dead/ingest/drop?message_id=m1").body()).isEqualTo("{\"dropped\":1}");
        assertThat(call("POST", "/v1/dead/ingest/drop").body()).isEqualTo("{\"dropped\":2}");
        assertThat(ns.depth(ns.topology().deadQueue(Topology.Area.INGEST))).isZero();
        assertThat(ns.depth(ns.topology().ingestQueue())).isZero();
    }

    @Test
    void deadLettersAreForOperatorsOnly() throws Exception {
        park("m9", "keep me", "test");

        HttpResponse<String> unsigned = admin().unsigned("POST", "/v1/dead/ingest/drop", null);
        HttpResponse<String> guessed = admin().as("admin", "guessed").send("POST", "/v1/dead/ingest/drop", null,
                java.util.Map.of());

        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(guessed.statusCode()).isEqualTo(401);
        assertThat(call("GET", "/v1/dead/ingest").body()).as("nothing was dropped").contains("m9");
        assertThat(admin().unsigned("GET", "/metrics", null).body())
                .contains("purgeline_refused_total{reason=\"unsigned\"")
                .contains("purgeline_refused_total{reason=\"bad_signature\"");
    }

    @Test
    void anUnknownAreaOrABadLimitIsAClearError() throws Exception {
        HttpResponse<String> unknown = call("GET", "/v1/dead/nowhere");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("no dead-letter area 'nowhere'", "ingest", "dispatch");
        HttpResponse<String> badLimit = call("GET", "/v1/dead/ingest?limit=lots");
        assertThat(badLimit.statusCode()).isEqualTo(400);
        assertThat(badLimit.body()).contains("limit must be a whole number");
    }

    private void park(String messageId, String body, String reason) {
        park(messageId, body, reason, ns.topology().ingestQueue());
    }

    private void park(String messageId, String body, String reason, String source) {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().messageId(messageId).deliveryMode(2)
                .headers(Map.of(Topology.DEAD_REASON_HEADER, reason, Topology.DEAD_SOURCE_HEADER, source)).build();
        ns.broker().withChannel(ch -> {
            ch.confirmSelect();
            ch.basicPublish(ns.topology().deadExchange(), Topology.Area.INGEST.key(), props,
                    body.getBytes(StandardCharsets.UTF_8));
            ch.waitForConfirmsOrDie(5_000);
        });
    }

    /** Signed with the admin key, as an operator's tool does. */
    private HttpResponse<String> call(String method, String path) throws Exception {
        return admin().send(method, path, null, java.util.Map.of());
    }

    private SignedHttp admin() {
        return SignedHttp.admin("http://127.0.0.1:" + worker.port());
    }
}
