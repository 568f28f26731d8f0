package io.purgeline.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.purgeline.contracts.Alert;
import io.purgeline.runtime.Outgoing;
import io.purgeline.service.Env;
import io.purgeline.testkit.FreePorts;
import io.purgeline.testkit.TestNamespace;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Alerts reach people: a real HTTP receiver for the webhook, a real SMTP server (GreenMail) for e-mail. */
class AlertSinksTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private GreenMail smtp;
    private WebhookReceiver hook;
    private AlertWorker worker;

    @BeforeEach
    void receivers() {
        smtp = new GreenMail(new ServerSetup(FreePorts.on("127.0.0.1"), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        smtp.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (worker != null) {
            worker.close();
        }
        if (hook != null) {
            hook.close();
        }
        smtp.stop();
        ns.database().jdbi().useHandle(h -> h.execute("DELETE FROM alert_outbox"));
    }

    private void startWorker(String format, Duration window, Duration timeout) throws Exception {
        Map<String, String> env = new HashMap<>(ns.env());
        env.put("PURGELINE_HTTP_PORT", "0");
        env.put("PURGELINE_ALERT_WEBHOOK_URL", hook.url());
        env.put("PURGELINE_ALERT_WEBHOOK_FORMAT", format);
        env.put("PURGELINE_ALERT_SMTP_HOST", "127.0.0.1");
        env.put("PURGELINE_ALERT_SMTP_PORT", Integer.toString(smtp.getSmtp().getPort()));
        env.put("PURGELINE_ALERT_EMAIL_TO", "ops@example.com,oncall@example.com");
        env.put("PURGELINE_ALERT_WINDOW_MS", Long.toString(window.toMillis()));
        env.put("PURGELINE_ALERT_SINK_TIMEOUT_MS", Long.toString(timeout.toMillis()));
        env.put("PURGELINE_ALERT_SINK_RETRY_MS", "100");
        worker = AlertWorker.start(new Env(env));
    }

    private static void raise(String kind, String nodeId, String message) {
        Alert alert = new Alert("dispatch-worker", Alert.WARNING, kind, message, null, nodeId, Instant.now(), null);
        ns.publisher().publish(Outgoing.of(ns.topology().alertsExchange(), alert.routingKey(), "alert", alert));
    }

    private static JsonObject json(String body) {
        return JsonParser.parseString(body).getAsJsonObject();
    }

    /** Mails about a subject, once each (GreenMail keeps a copy per recipient). */
    private List<MimeMessage> mailAbout(String subject) {
        Map<String, MimeMessage> byId = new java.util.LinkedHashMap<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            try {
                if (m.getSubject().contains(subject)) {
                    byId.putIfAbsent(m.getMessageID(), m);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return List.copyOf(byId.values());
    }

    /**
     * Webhook bodies about a subject: the worker also notifies of its own restarts between tests (module_down,
     * module_up of alert-worker).
     */
    private List<String> hookAbout(String subject) {
        return hook.accepted().stream().filter(b -> b.contains(subject)).toList();
    }

    @Test
    void theFirstAlertGoesOutAtOnceToTheWebhookAndByMail() throws Exception {
        hook = WebhookReceiver.ok();
        startWorker("generic", Duration.ofMinutes(5), Duration.ofSeconds(5));

        raise("node_offline", "edge-1", "node edge-1 is offline: no heartbeat for 15 s");

        await().atMost(Duration.ofSeconds(20))
                .until(() -> hookAbout("edge-1").size() == 1 && mailAbout("edge-1").size() == 1);
        JsonObject body = json(hookAbout("edge-1").get(0));
        assertThat(body.get("type").getAsString()).isEqualTo("alert");
        assertThat(body.get("kind").getAsString()).isEqualTo("node_offline");
        assertThat(body.get("subject").getAsString()).isEqualTo("edge-1");
        assertThat(body.get("severity").getAsString()).isEqualTo("warning");
        assertThat(body.get("text").getAsString()).isEqualTo("node edge-1 is offline: no heartbeat for 15 s");
        MimeMessage mail = mailAbout("edge-1").get(0);
        assertThat(mail.getSubject()).isEqualTo("[purgeline warning] node_offline edge-1");
        assertThat(mail.getAllRecipients()).extracting(Object::toString)
                .containsExactly("ops@example.com", "oncall@example.com");
        assertThat((String) mail.getContent()).startsWith("node edge-1 is offline: no heartbeat for 15 s");
    }

    @Test
    void aFlappingNodeProducesOneNotificationAndASummaryNotHundreds() throws Exception {
        hook = WebhookReceiver.ok();
        // The window outlasts consuming the hundred alerts on a busy box, so all of them fall into it.
        startWorker("slack", Duration.ofSeconds(20), Duration.ofSeconds(5));

        for (int i = 0; i < 100; i++) {
            raise("node_offline", "edge-17", "node edge-17 offline");
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> hookAbout("edge-17").stream()
                .anyMatch(b -> b.contains("more in the last")));
        assertThat(hookAbout("edge-17")).hasSize(2);
        assertThat(json(hookAbout("edge-17").get(0)).get("text").getAsString())
                .isEqualTo("[purgeline warning] node_offline edge-17\nnode edge-17 offline");
        assertThat(json(hookAbout("edge-17").get(1)).get("text").getAsString())
                .isEqualTo("[purgeline warning] node_offline edge-17 (99 more)\n"
                        + "node edge-17 offline — 99 more in the last 20 s");
        await().atMost(Duration.ofSeconds(20)).until(() -> mailAbout("edge-17").size() == 2);
        assertThat(ns.depth(ns.topology().alertsQueue())).isZero();
    }

    @Test
    void aSlowWebhookHoldsNeitherTheQueueNorTheOtherSink() throws Exception {
        hook = WebhookReceiver.answering(n -> new WebhookReceiver.Answer(200, "ok", 3_000));
        startWorker("generic", Duration.ofMinutes(5), Duration.ofMillis(500));

        for (int i = 0; i < 30; i++) {
            raise("node_offline", "slow-" + i, "node slow-" + i + " offline");
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> mailAbout("slow-").size() == 30);
        assertThat(ns.depth(ns.topology().alertsQueue())).isZero();
        long sentToHook = ns.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM alert_outbox WHERE sink = 'webhook' AND state = 'sent'"
                        + " AND notification LIKE '%slow-%'").mapTo(Long.class).one());
        assertThat(sentToHook).isZero();
        long recorded = ns.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM alerts WHERE subject LIKE 'slow-%'").mapTo(Long.class).one());
        assertThat(recorded).isEqualTo(30);
    }

    @Test
    void aWebhookThatFailsIsRetriedUntilItTakesTheNotification() throws Exception {
        hook = WebhookReceiver.answering(n -> n <= 2 ? new WebhookReceiver.Answer(503, "busy", 0)
                : new WebhookReceiver.Answer(200, "{\"errcode\":0,\"errmsg\":\"ok\"}", 0));
        startWorker("dingtalk", Duration.ofMinutes(5), Duration.ofSeconds(5));

        raise("node_unreachable", "edge-9", "node edge-9 unreachable");

        await().atMost(Duration.ofSeconds(20)).until(() -> hookAbout("edge-9").size() == 1);
        assertThat(hook.received().stream().filter(b -> b.contains("edge-9"))).hasSize(3);
        JsonObject body = json(hookAbout("edge-9").get(0));
        assertThat(body.get("msgtype").getAsString()).isEqualTo("text");
        assertThat(body.getAsJsonObject("text").get("content").getAsString())
                .isEqualTo("[purgeline warning] node_unreachable edge-9\nnode edge-9 unreachable");
        int attempts = ns.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT attempts FROM alert_outbox WHERE sink = 'webhook' AND notification LIKE '%edge-9%'")
                .mapTo(Integer.class).one());
        assertThat(attempts).isEqualTo(3);
    }

    @Test
    void aDingTalkRefusalInA200IsAFailedSend() throws Exception {
        hook = WebhookReceiver.answering(n -> n == 1
                ? new WebhookReceiver.Answer(200, "{\"errcode\":310000,\"errmsg\":\"keywords not in content\"}", 0)
                : new WebhookReceiver.Answer(200, "{\"errcode\":0}", 0));
        startWorker("dingtalk", Duration.ofMinutes(5), Duration.ofSeconds(5));

        raise("delivery_failed", "edge-4", "node edge-4 refused its batch");

        await().atMost(Duration.ofSeconds(20))
                .until(() -> hook.received().stream().filter(b -> b.contains("edge-4")).count() == 2);
        await().atMost(Duration.ofSeconds(20)).until(() -> ns.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT state FROM alert_outbox WHERE sink = 'webhook' AND notification LIKE '%edge-4%'")
                .mapTo(String.class).one()).equals("sent"));
    }
}
