package io.purgeline.saver;

import static io.purgeline.saver.Saves.created;
import static io.purgeline.saver.Saves.done;
import static io.purgeline.saver.Saves.failed;
import static io.purgeline.saver.Saves.newTaskId;
import static io.purgeline.saver.Saves.outcomes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.FailedNode;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.TaskCreated;
import io.purgeline.contracts.TaskEvent;
import io.purgeline.runtime.Outgoing;
import io.purgeline.runtime.Topology;
import io.purgeline.service.Env;
import io.purgeline.testkit.Tap;
import io.purgeline.testkit.TestNamespace;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

class SaverWorkerTest {
    private static final Duration PATIENCE = Duration.ofSeconds(15);

    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static final HttpClient http = HttpClient.newHttpClient();
    private static final Codec codec = Codec.standard();
    private static SaverWorker worker;
    private static Tap events;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> env = new HashMap<>(ns.env());
        env.put("PURGELINE_HTTP_PORT", "0");
        worker = SaverWorker.start(new Env(env));
        events = ns.tap(ns.topology().eventsExchange(), "#");
    }

    @AfterAll
    static void stop() throws Exception {
        events.close();
        worker.close();
    }

    @Test
    void aTaskWhoseNodesAllSucceedIsAnnouncedCompletedWithExactCounts() {
        String task = newTaskId();

        publish(created(task, "e1", "e2", "e3"));
        publish(outcomes(task, done(task, "e1"), done(task, "e2")));
        publish(outcomes(task, done(task, "e3")));

        TaskEvent event = awaitEvent("task.completed", task);
        assertThat(event.apiId()).isEqualTo("acme");
        assertThat(event.type()).isEqualTo("refresh");
        assertThat(event.state()).isEqualTo("completed");
        assertThat(List.of(event.total(), event.done(), event.failed(), event.expired())).containsExactly(3, 3, 0, 0);
        assertThat(event.failedNodes()).isEmpty();
        assertThat(event.acceptedAt()).isEqualTo(Saves.ACCEPTED_AT);
        assertThat(event.finishedAt()).isNotNull();
        assertThat(ns.redis().hgetAll(ns.keys().task(task))).isEqualTo(
                Map.of("total", "3", "done", "3", "failed", "0", "expired", "0", "state", "completed"));
        await().atMost(PATIENCE).until(() -> Boolean.TRUE.equals(taskRow(task).get("event_sent")));
        assertThat(taskRow(task)).containsEntry("state", "completed").containsEntry("done", 3);
        assertThat(subtaskStates(task)).containsExactly("done", "done", "done");
    }

    @Test
    void duplicatedOutcomesAreCountedOnceAndTheTaskIsAnnouncedOnce() throws Exception {
        String task = newTaskId();
        long appliedBefore = savesApplied();

        publish(created(task, "e1", "e2", "e3"));
        publish(outcomes(task, done(task, "e1")));
        publish(outcomes(task, done(task, "e1")));
        publish(outcomes(task, done(task, "e2"), done(task, "e2")));
        publish(outcomes(task, done(task, "e3")));
        publish(outcomes(task, done(task, "e3"), done(task, "e1")));

        TaskEvent event = awaitEvent("task.completed", task);
        assertThat(List.of(event.total(), event.done(), event.failed(), event.expired())).containsExactly(3, 3, 0, 0);
        await().atMost(PATIENCE).until(() -> savesApplied() - appliedBefore >= 6);
        // The saver confirms an event before it counts the batch applied, so any second event is ahead of this one.
        String marker = newTaskId();
        ns.publisher().publish(Outgoing.of(ns.topology().eventsExchange(), "task.marker", "task.marker",
                new TaskEvent(marker, null, null, "marker", 0, 0, 0, 0, null, null, null, null, null)));
        awaitEvent("task.marker", marker);
        assertThat(events.seen()).filteredOn(s -> s.as(codec, TaskEvent.class).taskId().equals(task)).hasSize(1);
        assertThat(ns.redis().hgetAll(ns.keys().task(task))).containsEntry("done", "3").containsEntry("state",
                "completed");
        assertThat(taskRow(task)).containsEntry("done", 3).containsEntry("failed", 0);
    }

    @Test
    void aFailedNodeFailsTheTaskAndIsNamedWithItsReason() {
        String task = newTaskId();

        publish(created(task, "e1", "e2"));
        publish(outcomes(task, done(task, "e1"), failed(task, "e2", "connection refused")));

        TaskEvent event = awaitEvent("task.failed", task);
        assertThat(event.state()).isEqualTo("failed");
        assertThat(List.of(event.total(), event.done(), event.failed(), event.expired())).containsExactly(2, 1, 1, 0);
        assertThat(event.failedNodes()).containsExactly(new FailedNode("e2", "connection refused"));
        assertThat(ns.redis().hgetAll(ns.keys().task(task))).containsEntry("failed", "1").containsEntry("state",
                "failed");
    }

    @Test
    void poisonOnASavesQueueIsParkedAndTheQueueKeepsFlowing() {
        String task = newTaskId();

        ns.publisher().publish(ns.topology().save(task, "bogus.type", Map.of("x", 1)));
        MessageProperties props = new MessageProperties();
        props.setType(TaskCreated.MESSAGE_TYPE);
        ns.publisher().publishRaw("", ns.topology().savesQueue(ns.topology().savesPartition(task)),
                new Message("{not json".getBytes(StandardCharsets.UTF_8), props));
        publish(created(task, "e1"));
        publish(outcomes(task, done(task, "e1")));

        List<Tap.Seen> parked = ns.take(List.of(ns.topology().deadQueue(Topology.Area.SAVES)), 2, PATIENCE);
        assertThat(parked).extracting(s -> String.valueOf(s.headers().get(Topology.DEAD_REASON_HEADER)))
                .anySatisfy(r -> assertThat(r).contains("bogus.type"))
                .anySatisfy(r -> assertThat(r).contains("TaskCreated"));
        assertThat(awaitEvent("task.completed", task).done()).isEqualTo(1);
    }

    private static void publish(TaskCreated created) {
        ns.publisher().publish(ns.topology().save(created.taskId(), TaskCreated.MESSAGE_TYPE,
                created).correlationId(created.taskId()));
    }

    private static void publish(SubtaskOutcomes outcomes) {
        ns.publisher().publish(ns.topology().save(outcomes.taskId(),
                SubtaskOutcomes.MESSAGE_TYPE, outcomes).correlationId(outcomes.taskId()));
    }

    private static TaskEvent awaitEvent(String routingKey, String task) {
        return events.await(routingKey, TaskEvent.class, e -> e.taskId().equals(task), PATIENCE);
    }

    private static long savesApplied() throws Exception {
        HttpResponse<String> stats = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + worker.port() + "/stats")).build(),
                HttpResponse.BodyHandlers.ofString());
        return ((Number) codec.fromJson(stats.body(), Map.class).get("saves_applied")).longValue();
    }

    private static Map<String, Object> taskRow(String task) {
        return ns.database().jdbi().withHandle(h -> h.createQuery("SELECT * FROM tasks WHERE task_id = :t")
                .bind("t", task).mapToMap().one());
    }

    private static List<String> subtaskStates(String task) {
        return ns.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT state FROM subtasks WHERE task_id = :t ORDER BY subtask_id").bind("t", task)
                .mapTo(String.class).list());
    }
}
