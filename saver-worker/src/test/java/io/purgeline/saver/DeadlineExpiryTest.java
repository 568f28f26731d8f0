package io.purgeline.saver;

import static io.purgeline.saver.SaverInstances.counter;
import static io.purgeline.saver.SaverInstances.save;
import static io.purgeline.saver.Saves.created;
import static io.purgeline.saver.Saves.done;
import static io.purgeline.saver.Saves.newTaskId;
import static io.purgeline.saver.Saves.outcomes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import io.purgeline.contracts.FailedNode;
import io.purgeline.contracts.TaskEvent;
import io.purgeline.testkit.Tap;
import io.purgeline.testkit.TestNamespace;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DeadlineExpiryTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final Map<String, String> SHORT_PERIODS = Map.of(
            "PURGELINE_SAVER_TICK_MS", "200",
            "PURGELINE_DEADLINE_SWEEP_MS", "250");

    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static SaverWorker a;
    private static SaverWorker b;
    private static Tap events;

    @BeforeAll
    static void start() throws Exception {
        a = SaverInstances.start(ns, SHORT_PERIODS);
        b = SaverInstances.start(ns, SHORT_PERIODS);
        events = ns.tap(ns.topology().eventsExchange(), "#");
    }

    @AfterAll
    static void stop() throws Exception {
        events.close();
        a.close();
        b.close();
    }

    @Test
    void aTaskPastItsDeadlineExpiresNamingTheNodeThatNeverAnswered() {
        String task = newTaskId();

        // The result first, so that no sweep can find the task before node e1's result is recorded.
        ns.publisher().publish(List.of(
                save(ns, outcomes(task, done(task, "e1"))),
                save(ns, created(task, pastDeadline(), "e1", "e2"))));

        TaskEvent event = events.await("task.expired", TaskEvent.class, e -> e.taskId().equals(task), PATIENCE);
        assertThat(event.state()).isEqualTo("expired");
        assertThat(List.of(event.total(), event.done(), event.failed(), event.expired())).containsExactly(2, 1, 0, 1);
        assertThat(event.failedNodes()).containsExactly(new FailedNode("e2", "no result before the task's deadline"));
        assertThat(event.finishedAt()).isNotNull();
        assertThat(ns.redis().hgetAll(ns.keys().task(task))).isEqualTo(
                Map.of("total", "2", "done", "1", "failed", "0", "expired", "1", "state", "expired"));
        await().atMost(PATIENCE).until(() -> Boolean.TRUE.equals(taskRow(task).get("event_sent")));
        assertThat(taskRow(task)).containsEntry("state", "expired").containsEntry("done", 1)
                .containsEntry("expired", 1);
        assertThat(taskRow(task).get("finished_at")).isNotNull();
        assertThat(subtaskRows(task)).extracting(r -> r.get("node_id"), r -> r.get("state"), r -> r.get("last_error"))
                .containsExactly(
                        tuple("e1", "done", null), tuple("e2", "expired", "no result before the task's deadline"));
    }

    @Test
    void anOfflineNodeIsNamedWithSinceWhenAndWhyItIsOffline() {
        String task = newTaskId();
        String down = "down-" + UUID.randomUUID().toString().substring(0, 8);
        Instant since = Instant.parse("2026-03-04T05:00:00.250Z");
        ns.redis().hset(ns.keys().offlineNodes(), down, since.toEpochMilli() + "|connection refused");

        ns.publisher().publish(save(ns, created(task, pastDeadline(), down, "late")));

        TaskEvent event = events.await("task.expired", TaskEvent.class, e -> e.taskId().equals(task), PATIENCE);
        assertThat(List.of(event.total(), event.done(), event.failed(), event.expired())).containsExactly(2, 0, 0, 2);
        assertThat(event.failedNodes()).containsExactly(
                new FailedNode(down, "node offline since 2026-03-04T05:00:00.250Z: connection refused"),
                new FailedNode("late", "no result before the task's deadline"));
    }

    @Test
    void theDeadlineSweeperRunsInOnlyOneOfTwoSavers() {
        await().atMost(PATIENCE).until(() -> sweeper(a).equals("active") != sweeper(b).equals("active"));
        SaverWorker active = sweeper(a).equals("active") ? a : b;
        SaverWorker standby = active == a ? b : a;
        long publishedBefore = counter(active, "expiries_published");
        long expiredBefore = counter(a, "tasks_expired") + counter(b, "tasks_expired");
        List<String> tasks = IntStream.range(0, 5).mapToObj(i -> newTaskId()).toList();

        for (String task : tasks) {
            ns.publisher().publish(save(ns, created(task, pastDeadline(), "e1")));
        }

        assertThat(tasks).allSatisfy(task -> events.await("task.expired", TaskEvent.class,
                e -> e.taskId().equals(task), PATIENCE));
        assertThat(counter(standby, "expiries_published")).isZero();
        assertThat(counter(active, "expiries_published") - publishedBefore).isEqualTo(tasks.size());
        await().atMost(PATIENCE).until(() -> counter(a, "tasks_expired") + counter(b, "tasks_expired")
                - expiredBefore == tasks.size());
    }

    private static Instant pastDeadline() {
        return Instant.now().minusSeconds(5).truncatedTo(ChronoUnit.MILLIS);
    }

    private static String sweeper(SaverWorker saver) {
        return (String) SaverInstances.stats(saver).get("deadline_sweeper");
    }

    private static Map<String, Object> taskRow(String task) {
        return ns.database().jdbi().withHandle(h -> h.createQuery("SELECT * FROM tasks WHERE task_id = :t")
                .bind("t", task).mapToMap().one());
    }

    private static List<Map<String, Object>> subtaskRows(String task) {
        return ns.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT * FROM subtasks WHERE task_id = :t ORDER BY node_id").bind("t", task).mapToMap().list());
    }
}
