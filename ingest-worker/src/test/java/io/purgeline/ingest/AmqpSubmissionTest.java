package io.purgeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.purgeline.contracts.Alert;
import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Lane;
import io.purgeline.contracts.Scope;
import io.purgeline.contracts.SubtaskRef;
import io.purgeline.contracts.TaskCreated;
import io.purgeline.contracts.TaskEvent;
import io.purgeline.contracts.TaskSubmission;
import io.purgeline.runtime.Outgoing;
import io.purgeline.runtime.Topology;
import io.purgeline.service.Env;
import io.purgeline.testkit.SignedHttp;
import io.purgeline.testkit.Tap;
import io.purgeline.testkit.TestNamespace;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

class AmqpSubmissionTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static final Duration WAIT = Duration.ofSeconds(15);

    private static IngestWorker worker;
    private static Tap events;
    private static Tap alerts;
    private static QueueReader saves;
    private static QueueReader fastLane;
    private static QueueReader dead;

    @BeforeAll
    static void startWorker() throws Exception {
        new Customers(ns.database().jdbi(), "unused").create("acme", "Acme", List.of("*.example.com"));
        NodeRegistry nodes = new NodeRegistry(ns.database().jdbi(), ns.registeredNodes());
        nodes.register(new NodeRegistration("edge-1", "10.0.0.1:8090", 2, "eu"));
        nodes.register(new NodeRegistration("edge-2", "10.0.0.2:8090", 2, "eu"));
        nodes.register(new NodeRegistration("parent-1", "10.0.0.9:8090", 1, "eu"));
        Topology topology = ns.topology();
        events = ns.tap(topology.eventsExchange(), "#");
        alerts = ns.tap(topology.alertsExchange(), "#");
        saves = QueueReader.open(ns, topology.savesQueues());
        fastLane = QueueReader.open(ns, List.of(topology.laneQueue(Lane.FAST)));
        dead = QueueReader.open(ns, List.of(topology.deadQueue(Topology.Area.INGEST)));
        Map<String, String> env = new HashMap<>(ns.env());
        env.put("PURGELINE_HTTP_PORT", "0");
        worker = IngestWorker.start(new Env(env));
    }

    @AfterAll
    static void stopWorker() throws Exception {
        worker.close();
        events.close();
        alerts.close();
        saves.close();
        fastLane.close();
        dead.close();
    }

    private static void submit(TaskSubmission s, String messageId) {
        ns.publisher().publish(submission(s, messageId));
    }

    private static void submitRaw(String body, String messageId) {
        MessageProperties p = new MessageProperties();
        p.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        p.setMessageId(messageId);
        p.setUserId(ns.config().amqp().user());
        ns.publisher().publishRaw(ns.topology().tasksExchange(), Topology.SUBMIT_KEY,
                new Message(body.getBytes(StandardCharsets.UTF_8), p));
    }

    private static TaskEvent awaitEvent(String key, String taskId) {
        return events.await(key, TaskEvent.class, e -> taskId.equals(e.taskId()), WAIT);
    }

    private static List<TaskCreated> createdFor(String taskId) {
        return saves.created(c -> c.taskId().equals(taskId));
    }

    @Test
    void aSubmissionNotPublishedByTheUpstreamUserIsParkedAndCounted() throws Exception {
        MessageProperties p = new MessageProperties();
        p.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        p.setMessageId("no-user");
        ns.publisher().publishRaw(ns.topology().tasksExchange(), Topology.SUBMIT_KEY, new Message(ns.config().codec()
                .toJson(Submissions.refresh("https://www.example.com/u.js").taskId("amqp-anon").build())
                .getBytes(StandardCharsets.UTF_8), p));

        QueueReader.Got parked = dead.await(g -> "no-user".equals(g.props().getMessageId()), WAIT);
        assertThat(parked.header(Topology.DEAD_REASON_HEADER)).contains("without a user_id")
                .contains("only the upstream user '" + ns.config().amqp().user() + "'");
        assertThat(createdFor("acme:amqp-anon")).isEmpty();
        assertThat(metrics()).contains("purgeline_refused_total{reason=\"foreign_publisher\"");
    }

    @Test
    void aSubmissionOfAnUnknownCustomerIsParkedAndAnnouncedAsRejected() throws Exception {
        submit(Submissions.refresh("https://www.example.com/v.js").apiId("stranger").taskId("amqp-stranger").build(),
                "stranger");

        QueueReader.Got parked = dead.await(g -> "stranger".equals(g.props().getMessageId()), WAIT);
        assertThat(parked.header(Topology.DEAD_REASON_HEADER))
                .startsWith("task refused (unknown_customer): api_id 'stranger' is not a customer");
        assertThat(awaitEvent("task.rejected", "amqp-stranger").reason()).contains("not a customer");
        assertThat(metrics()).contains("purgeline_refused_total{reason=\"unknown_customer\"");
    }

    @Test
    void aSubmissionForAForeignDomainIsParkedNamingTheTargetAndLaterOnesAreAccepted() throws Exception {
        submit(Submissions.refresh("https://www.example.com/w.js", "https://cdn.other.org/w.js")
                .taskId("amqp-foreign").build(), "foreign");
        submit(Submissions.refresh("https://img.example.com/w.js").taskId("amqp-after-foreign").build(), "after");

        QueueReader.Got parked = dead.await(g -> "foreign".equals(g.props().getMessageId()), WAIT);
        assertThat(parked.header(Topology.DEAD_REASON_HEADER)).isEqualTo("task refused (foreign_domain): target"
                + " 'https://cdn.other.org/w.js' is outside the domains of customer 'acme' (*.example.com)");
        assertThat(awaitEvent("task.accepted", "acme:amqp-after-foreign").total()).isEqualTo(3);
        assertThat(createdFor("acme:amqp-foreign")).isEmpty();
        assertThat(metrics()).contains("purgeline_refused_total{reason=\"foreign_domain\"");
    }

    private static String metrics() throws Exception {
        return new SignedHttp("http://127.0.0.1:" + worker.port(), "-", "-").unsigned("GET", "/metrics", null).body();
    }

    @Test
    void aValidSubmissionIsSavedDispatchedThenAnnouncedAsAccepted() {
        submit(Submissions.refresh("https://www.example.com/a.js", "https://www.example.com/b.css")
                .taskId("acme:amqp-ok").priority(7).build(), "m-ok");

        QueueReader.Got save = saves.await(g -> g.parts(ns.config().codec()).created().stream()
                .anyMatch(c -> c.taskId().equals("acme:amqp-ok")), WAIT);
        assertThat(save.queue()).as("the task's partition")
                .isEqualTo(ns.topology().savesQueue(ns.topology().savesPartition("acme:amqp-ok")));
        TaskCreated created = saves.awaitCreated(c -> c.taskId().equals("acme:amqp-ok"), WAIT);
        assertThat(created.targets()).containsExactly("https://www.example.com/a.js", "https://www.example.com/b.css");
        assertThat(created.subtasks()).extracting(SubtaskRef::subtaskId)
                .containsExactly("acme:amqp-ok@parent-1", "acme:amqp-ok@edge-1", "acme:amqp-ok@edge-2");

        QueueReader.Got dispatch = fastLane.await(DispatchMessage.MESSAGE_TYPE, DispatchMessage.class,
                d -> d.taskId().equals("acme:amqp-ok"), WAIT);
        DispatchMessage m = dispatch.as(ns.config().codec(), DispatchMessage.class);
        assertThat(dispatch.props().getType()).isEqualTo(DispatchMessage.MESSAGE_TYPE);
        assertThat(dispatch.props().getPriority()).isEqualTo(7);
        assertThat(m.assignments()).extracting(Assignment::nodeId).containsExactly("parent-1", "edge-1", "edge-2");
        assertThat(m.assignments()).allSatisfy(a -> assertThat(a.attempt()).isEqualTo(1));

        TaskEvent accepted = awaitEvent("task.accepted", "acme:amqp-ok");
        assertThat(accepted.state()).isEqualTo("accepted");
        assertThat(accepted.total()).isEqualTo(3);
        assertThat(accepted.apiId()).isEqualTo("acme");
        assertThat(ns.redis().get(ns.keys().accepted("acme:amqp-ok"))).isEqualTo("3");
        assertThat(ns.redis().ttl(ns.keys().accepted("acme:amqp-ok"))).isBetween(7L * 86_400 - 60, 7L * 86_400);
    }

    @Test
    void theMessageIdIsTheTaskIdWhenTheBodyHasNone() {
        submit(Submissions.refresh("https://www.example.com/c.js").build(), "upstream-msg-42");

        assertThat(awaitEvent("task.accepted", "acme:upstream-msg-42").total()).isEqualTo(3);
        saves.awaitCreated(c -> c.taskId().equals("acme:upstream-msg-42"), WAIT);
    }

    @Test
    void aResubmittedTaskIsAckedAsADuplicateAndNotPublishedAgain() {
        TaskSubmission s = Submissions.refresh("https://www.example.com/d.js").taskId("acme:amqp-dup").build();
        submit(s, "dup-1");
        awaitEvent("task.accepted", "acme:amqp-dup");
        saves.awaitCreated(c -> c.taskId().equals("acme:amqp-dup"), WAIT);

        submit(s, "dup-2");

        TaskEvent duplicate = awaitEvent("task.duplicate", "acme:amqp-dup");
        assertThat(duplicate.state()).isEqualTo("duplicate");
        // Intake decides "duplicate" before it publishes anything, so the event means the copy published no save.
        assertThat(createdFor("acme:amqp-dup")).hasSize(1);
    }

    @Test
    void malformedJsonIsParkedWithItsReasonAndAlerted() {
        submitRaw("{\"api_id\": \"acme\", \"type\": ", "bad-json");

        QueueReader.Got parked = dead.await(g -> "bad-json".equals(g.props().getMessageId()), WAIT);
        assertThat(parked.header(Topology.DEAD_REASON_HEADER)).startsWith("body is not a valid TaskSubmission");
        assertThat(parked.header(Topology.DEAD_SOURCE_HEADER)).isEqualTo(ns.topology().ingestQueue());
        assertThat(new String(parked.body(), StandardCharsets.UTF_8)).isEqualTo("{\"api_id\": \"acme\", \"type\": ");
        awaitPoisonAlert("bad-json");
    }

    @Test
    void anUnknownTypeIsParkedAlertedAndAnnouncedAsRejected() {
        submit(Submissions.refresh("https://www.example.com/e.js").taskId("acme:amqp-purge").type("purge").build(),
                "bad-type");

        QueueReader.Got parked = dead.await(g -> "bad-type".equals(g.props().getMessageId()), WAIT);
        assertThat(parked.header(Topology.DEAD_REASON_HEADER)).isEqualTo(
                "task rejected: unknown type 'purge', expected one of refresh, refresh_dir, refresh_tag, prefetch");
        awaitPoisonAlert("bad-type");
        TaskEvent rejected = awaitEvent("task.rejected", "acme:amqp-purge");
        assertThat(rejected.reason()).startsWith("unknown type 'purge'");
    }

    @Test
    void aNonHttpUrlIsParkedAlertedAndAnnouncedAsRejected() {
        submit(Submissions.refresh("ftp://x").taskId("acme:amqp-ftp").build(), "bad-url");

        QueueReader.Got parked = dead.await(g -> "bad-url".equals(g.props().getMessageId()), WAIT);
        assertThat(parked.header(Topology.DEAD_REASON_HEADER))
                .isEqualTo("task rejected: urls[0]: 'ftp://x' is not an http(s) URL");
        awaitPoisonAlert("bad-url");
        assertThat(awaitEvent("task.rejected", "acme:amqp-ftp").reason())
                .isEqualTo("urls[0]: 'ftp://x' is not an http(s) URL");
    }

    @Test
    void aTaskNoNodeMatchesIsParkedForReplay() {
        submit(Submissions.refresh("https://www.example.com/f.js").taskId("acme:amqp-nowhere")
                .scope(new Scope(List.of("mars"), null, null)).build(), "no-nodes");

        QueueReader.Got parked = dead.await(g -> "no-nodes".equals(g.props().getMessageId()), WAIT);
        assertThat(parked.header(Topology.DEAD_REASON_HEADER))
                .isEqualTo("task rejected: no registered node matches the scope");
    }

    @Test
    void theConsumerKeepsProcessingAfterPoisonMessages() {
        submitRaw("not json at all", "poison-before-good");
        submit(Submissions.refresh("ftp://y").taskId("acme:amqp-bad-before-good").build(), "invalid-before-good");
        submit(Submissions.refresh("https://www.example.com/g.js").taskId("acme:amqp-after-poison").build(), "good");

        assertThat(awaitEvent("task.accepted", "acme:amqp-after-poison").total()).isEqualTo(3);
        dead.await(g -> "poison-before-good".equals(g.props().getMessageId()), WAIT);
        dead.await(g -> "invalid-before-good".equals(g.props().getMessageId()), WAIT);
    }

    @Test
    void submissionsArrivingTogetherAreEachDecidedOnTheirOwn() {
        ns.publisher().publish(List.of(
                submission(Submissions.refresh("https://www.example.com/h1.js").taskId("acme:amqp-burst-1").build(), "b1"),
                submission(Submissions.refresh("ftp://z").taskId("acme:amqp-burst-bad").build(), "b2"),
                submission(Submissions.refresh("https://www.example.com/h3.js").taskId("acme:amqp-burst-3").build(), "b3")));

        assertThat(awaitEvent("task.accepted", "acme:amqp-burst-1").total()).isEqualTo(3);
        assertThat(awaitEvent("task.accepted", "acme:amqp-burst-3").total()).isEqualTo(3);
        QueueReader.Got parked = dead.await(g -> "b2".equals(g.props().getMessageId()), WAIT);
        assertThat(parked.header(Topology.DEAD_REASON_HEADER))
                .isEqualTo("task rejected: urls[0]: 'ftp://z' is not an http(s) URL");
        assertThat(awaitEvent("task.rejected", "acme:amqp-burst-bad").reason())
                .isEqualTo("urls[0]: 'ftp://z' is not an http(s) URL");
    }

    private static Outgoing submission(TaskSubmission s, String messageId) {
        return Outgoing.of(ns.topology().tasksExchange(), Topology.SUBMIT_KEY, "task.submission", s)
                .messageId(messageId);
    }

    private static void awaitPoisonAlert(String messageId) {
        Alert alert = alerts.await("warning.poison_message", Alert.class,
                a -> a.details() != null && messageId.equals(a.details().get("message_id")), WAIT);
        assertThat(alert.source()).isEqualTo(IngestWorker.NAME);
        assertThat(alert.message()).contains(ns.topology().deadQueue(Topology.Area.INGEST));
    }
}
