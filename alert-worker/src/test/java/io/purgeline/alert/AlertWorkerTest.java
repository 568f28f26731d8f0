package io.purgeline.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.purgeline.contracts.Alert;
import io.purgeline.runtime.Outgoing;
import io.purgeline.runtime.Topology;
import io.purgeline.service.Env;
import io.purgeline.testkit.TestNamespace;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

class AlertWorkerTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final LogstashEncoder json = new LogstashEncoder();
    private AlertWorker worker;

    @BeforeEach
    void start() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        json.setContext(context);
        json.start();
        logged.setContext(context);
        logged.start();
        ((Logger) LoggerFactory.getLogger("purgeline.alerts")).addAppender(logged);
        Map<String, String> env = new HashMap<>(ns.env());
        env.put("PURGELINE_HTTP_PORT", "0");
        worker = AlertWorker.start(new Env(env));
    }

    @AfterEach
    void stop() {
        worker.close();
        ((Logger) LoggerFactory.getLogger("purgeline.alerts")).detachAppender(logged);
    }

    @Test
    void everyAlertIsLoggedAsOneJsonLineWithItsFieldsAtTheTopLevel() {
        Alert alert = new Alert("dispatch-worker", Alert.CRITICAL, "node_unreachable",
                "task t1 on node edge-9: agent unreachable", "t1", "edge-9", Instant.parse("2026-11-25T10:00:00Z"),
                Map.of("attempts", "3"));
        ns.publisher().publish(Outgoing.of(ns.topology().alertsExchange(), alert.routingKey(), "alert", alert));

        await().atMost(Duration.ofSeconds(20)).until(() -> !logged.list.isEmpty());
        JsonObject line = JsonParser.parseString(
                new String(json.encode(logged.list.get(0)), StandardCharsets.UTF_8)).getAsJsonObject();
        assertThat(line.get("message").getAsString()).isEqualTo("task t1 on node edge-9: agent unreachable");
        assertThat(line.get("level").getAsString()).isEqualTo("ERROR");
        assertThat(line.get("alert_kind").getAsString()).isEqualTo("node_unreachable");
        assertThat(line.get("alert_source").getAsString()).isEqualTo("dispatch-worker");
        assertThat(line.get("task_id").getAsString()).isEqualTo("t1");
        assertThat(line.get("node_id").getAsString()).isEqualTo("edge-9");
        assertThat(line.getAsJsonObject("alert_details").get("attempts").getAsString()).isEqualTo("3");
    }

    @Test
    void anUndecodableAlertIsParkedAndTheNextOneIsStillLogged() {
        ns.broker().withChannel(ch -> ch.basicPublish(ns.topology().alertsExchange(), "warning.x", null,
                "not an alert".getBytes(StandardCharsets.UTF_8)));
        Alert alert = new Alert("ingest-worker", Alert.WARNING, "poison_message", "after the bad one", null, null,
                Instant.now(), null);
        ns.publisher().publish(Outgoing.of(ns.topology().alertsExchange(), alert.routingKey(), "alert", alert));

        await().atMost(Duration.ofSeconds(20)).until(() -> logged.list.stream()
                .anyMatch(e -> e.getFormattedMessage().startsWith("after the bad one")));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> ns.depth(ns.topology().deadQueue(Topology.Area.ALERTS)) == 1);
        List<String> messages = logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(messages).noneMatch(m -> m.contains("not an alert"));
    }
}
