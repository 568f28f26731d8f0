package io.purgeline.saver;

import static io.purgeline.saver.Saves.created;
import static io.purgeline.saver.Saves.done;
import static io.purgeline.saver.Saves.failed;
import static io.purgeline.saver.Saves.newTaskId;
import static io.purgeline.saver.Saves.outcomes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.FailedNode;
import io.purgeline.contracts.SubtaskOutcome;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.TaskCreated;
import io.purgeline.contracts.TaskExpiry;
import io.purgeline.runtime.PurgelineConfig;
import io.purgeline.testkit.TestNamespace;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TaskStoreTest {
    @RegisterExtension
    static final TestNamespace ns = new TestNamespace();

    private static final Instant T0 = Instant.parse("2026-03-04T06:00:00Z");

    @Test
    void createdThenOutcomesGiveExactCountsAndStates() {
        String task = newTaskId();

        List<TaskRow> accepted = apply(T0, List.of(created(task, "e1", "e2", "e3")), List.of());
        assertThat(accepted).singleElement().satisfies(t -> {
            assertThat(t.state()).isEqualTo(TaskState.ACCEPTED);
            assertThat(t.total()).isEqualTo(3);
            assertThat(t.done() + t.failed() + t.expired()).isZero();
        });
        assertThat(subtaskStates(task)).containsExactly("pending", "pending", "pending");

        List<TaskRow> running = apply(T0.plusSeconds(1), List.of(), List.of(outcomes(task, done(task, "e1"))));
        assertThat(running).singleElement().satisfies(t -> {
            assertThat(t.state()).isEqualTo(TaskState.RUNNING);
            assertThat(t.done()).isEqualTo(1);
            assertThat(t.finishedAt()).isNull();
        });

        List<TaskRow> finished = apply(T0.plusSeconds(2), List.of(),
                List.of(outcomes(task, done(task, "e2")), outcomes(task, done(task, "e3"))));
        assertThat(finished).singleElement().satisfies(t -> {
            assertThat(t.state()).isEqualTo(TaskState.COMPLETED);
            assertThat(List.of(t.total(), t.done(), t.failed(), t.expired())).containsExactly(3, 3, 0, 0);
            assertThat(t.finishedAt()).isEqualTo(T0.plusSeconds(2));
            assertThat(t.eventSent()).isFalse();
        });
        assertThat(taskRow(task)).containsEntry("state", "completed").containsEntry("done", 3)
                .containsEntry("failed", 0).containsEntry("expired", 0);
        assertThat(subtaskStates(task)).containsExactly("done", "done", "done");
    }

    @Test
    void aFailedNodeFailsTheTaskAndIsReportedWithItsReason() {
        String task = newTaskId();

        List<TaskRow> rows = apply(T0, List.of(created(task, "e1", "e2")),
                List.of(outcomes(task, done(task, "e1"), failed(task, "e2", "connection refused"))));

        assertThat(rows).singleElement().satisfies(t -> {
            assertThat(t.state()).isEqualTo(TaskState.FAILED);
            assertThat(List.of(t.done(), t.failed())).containsExactly(1, 1);
        });
        assertThat(store(T0).failedNodes(List.of(task)))
                .containsExactly(Map.entry(task, List.of(new FailedNode("e2", "connection refused"))));
    }

    @Test
    void theSameOutcomeAppliedTwiceChangesNothing() {
        String task = newTaskId();
        apply(T0, List.of(created(task, "e1", "e2")), List.of());
        SubtaskOutcomes outcome = outcomes(task, failed(task, "e1", "timeout"));
        apply(T0.plusSeconds(1), List.of(), List.of(outcome));
        Map<String, Object> taskBefore = taskRow(task);
        List<Map<String, Object>> subtasksBefore = subtaskRows(task);

        List<TaskRow> again = apply(T0.plusSeconds(5), List.of(), List.of(outcome, outcome));

        assertThat(again).singleElement().satisfies(t -> assertThat(List.of(t.done(), t.failed()))
                .containsExactly(0, 1));
        assertThat(taskRow(task)).isEqualTo(taskBefore);
        assertThat(subtaskRows(task)).isEqualTo(subtasksBefore);
    }

    @Test
    void anOutcomeBeforeItsCreationIsKeptAndTheTaskCompletesWhenCreated() {
        String task = newTaskId();

        List<TaskRow> early = apply(T0, List.of(), List.of(outcomes(task, done(task, "e1"), done(task, "e2"))));
        assertThat(early).as("no task row exists yet").isEmpty();
        assertThat(subtaskStates(task)).containsExactly("done", "done");

        List<TaskRow> created = apply(T0.plusSeconds(1), List.of(created(task, "e1", "e2")), List.of());

        assertThat(created).singleElement().satisfies(t -> {
            assertThat(t.state()).isEqualTo(TaskState.COMPLETED);
            assertThat(List.of(t.total(), t.done())).containsExactly(2, 2);
        });
        assertThat(subtaskRows(task)).allSatisfy(s -> {
            assertThat(s).containsEntry("state", "done").containsEntry("http_code", 200);
            assertThat(((Number) s.get("tier")).intValue()).as("tier learnt from the creation").isEqualTo(2);
        });
    }

    @Test
    void aFinalSubtaskIsNotOverwrittenByALaterDifferentOutcome() {
        String task = newTaskId();
        apply(T0, List.of(created(task, "e1", "e2")), List.of(outcomes(task, failed(task, "e1", "refused"))));
        Map<String, Object> failedRow = subtaskRows(task).get(0);

        apply(T0.plusSeconds(1), List.of(), List.of(outcomes(task, done(task, "e1"))));

        assertThat(subtaskRows(task).get(0)).isEqualTo(failedRow).containsEntry("state", "failed")
                .containsEntry("last_error", "refused");
        assertThat(taskRow(task)).containsEntry("failed", 1).containsEntry("done", 0);
    }

    @Test
    void aFinalTaskIsNotMovedBackByItsCreationArrivingAgain() {
        String task = newTaskId();
        TaskCreated creation = created(task, "e1");
        apply(T0, List.of(creation), List.of(outcomes(task, done(task, "e1"))));
        store(T0).markEventSent(List.of(task));
        Map<String, Object> finished = taskRow(task);

        List<TaskRow> again = apply(T0.plusSeconds(9), List.of(creation), List.of());

        assertThat(again).singleElement().satisfies(t -> {
            assertThat(t.state()).isEqualTo(TaskState.COMPLETED);
            assertThat(t.eventSent()).isTrue();
        });
        assertThat(taskRow(task)).isEqualTo(finished);
        assertThat(subtaskStates(task)).containsExactly("done");
    }

    @Test
    void aLongErrorIsCutToTheColumnSize() {
        String task = newTaskId();

        apply(T0, List.of(created(task, "e1")), List.of(outcomes(task, failed(task, "e1", "x".repeat(5000)))));

        assertThat((String) subtaskRows(task).get(0).get("last_error")).hasSize(JdbiTaskStore.MAX_ERROR);
    }

    @Test
    void anExpiryEndsEveryOpenSubtaskWithTheReasonItsNodeGaveNoResult() {
        String task = newTaskId();
        ns.redis().hset(ns.keys().offlineNodes(), "down", "1772600400000|connect timed out");
        apply(T0, List.of(created(task, "e1", "down", "late")), List.of(outcomes(task, done(task, "e1"))));
        Map<String, Object> doneBefore = subtaskRow(task, "e1");
        Instant deadlinePassedAt = T0.plusSeconds(30);

        List<TaskRow> rows = store(T0.plusSeconds(31)).apply(List.of(), List.of(),
                List.of(new TaskExpiry(task, deadlinePassedAt)));

        assertThat(rows).singleElement().satisfies(t -> {
            assertThat(t.state()).isEqualTo(TaskState.EXPIRED);
            assertThat(List.of(t.total(), t.done(), t.failed(), t.expired())).containsExactly(3, 1, 0, 2);
            assertThat(t.finishedAt()).isEqualTo(T0.plusSeconds(31));
        });
        assertThat(subtaskRow(task, "e1")).isEqualTo(doneBefore);
        assertThat(subtaskRow(task, "down")).containsEntry("state", "expired")
                .containsEntry("last_error", "node offline since 2026-03-04T05:00:00Z: connect timed out");
        LocalDateTime expiredAt = ns.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT finished_at FROM subtasks WHERE subtask_id = :s").bind("s", task + "@down")
                .mapTo(LocalDateTime.class).one());
        assertThat(expiredAt).isEqualTo(LocalDateTime.ofInstant(deadlinePassedAt, ZoneOffset.UTC));
        assertThat(subtaskRow(task, "late")).containsEntry("state", "expired")
                .containsEntry("last_error", "no result before the task's deadline");
        assertThat(store(T0).failedNodes(List.of(task))).containsExactly(Map.entry(task, List.of(
                new FailedNode("down", "node offline since 2026-03-04T05:00:00Z: connect timed out"),
                new FailedNode("late", "no result before the task's deadline"))));
    }

    @Test
    void aResultArrivingAfterTheExpiryChangesNothing() {
        String task = newTaskId();
        apply(T0, List.of(created(task, "e1")), List.of());
        store(T0.plusSeconds(1)).apply(List.of(), List.of(), List.of(new TaskExpiry(task, T0.plusSeconds(1))));
        Map<String, Object> taskBefore = taskRow(task);
        List<Map<String, Object>> subtasksBefore = subtaskRows(task);

        apply(T0.plusSeconds(2), List.of(), List.of(outcomes(task, done(task, "e1"))));

        assertThat(taskRow(task)).isEqualTo(taskBefore).containsEntry("state", "expired");
        assertThat(subtaskRows(task)).isEqualTo(subtasksBefore);
    }

    @Test
    void anExpiryOfAFinishedTaskChangesNothing() {
        String task = newTaskId();
        apply(T0, List.of(created(task, "e1")), List.of(outcomes(task, done(task, "e1"))));
        Map<String, Object> finished = taskRow(task);

        store(T0.plusSeconds(9)).apply(List.of(), List.of(), List.of(new TaskExpiry(task, T0.plusSeconds(9))));

        assertThat(taskRow(task)).isEqualTo(finished).containsEntry("state", "completed");
        assertThat(subtaskStates(task)).containsExactly("done");
    }

    @Test
    void overdueTasksAreTheOpenOnesWhoseDeadlinePassed() {
        Instant now = Instant.parse("2027-01-01T00:00:00Z");
        String overdue = newTaskId();
        String running = newTaskId();
        String notYet = newTaskId();
        String finished = newTaskId();
        apply(T0, List.of(created(overdue, now.minusSeconds(1), "e1"), created(running, now, "e1", "e2"),
                created(notYet, now.plusMillis(1), "e1"), created(finished, now.minusSeconds(1), "e1")),
                List.of(outcomes(running, done(running, "e1")), outcomes(finished, done(finished, "e1"))));

        assertThat(store(T0).overdue(now, DeadlineSweeper.LIMIT)).contains(overdue, running)
                .doesNotContain(notYet, finished);
        assertThat(store(T0).overdue(now, 1)).hasSize(1);
    }

    @Test
    void countersStayExactWhenTwoSaversApplyOverlappingResultsOfOneTaskAtOnce() throws Exception {
        String task = newTaskId();
        List<String> nodes = IntStream.range(0, 300).mapToObj(i -> String.format("n%03d", i)).toList();
        apply(T0, List.of(created(task, nodes.toArray(String[]::new))), List.of());
        // One saver reports every node done in batches of 7, the other every node failed in batches of 5 from the
        // other end, each result twice, as a redelivery during a partition handover would.
        List<String> backwards = new ArrayList<>(nodes);
        Collections.reverse(backwards);
        ExecutorService savers = Executors.newFixedThreadPool(2);
        try {
            Future<?> one = savers.submit(() -> applyInBatches(task, nodes, 7, n -> done(task, n)));
            Future<?> other = savers.submit(() -> applyInBatches(task, backwards, 5,
                    n -> failed(task, n, "refused")));
            one.get(60, TimeUnit.SECONDS);
            other.get(60, TimeUnit.SECONDS);
        } finally {
            savers.shutdownNow();
        }

        List<String> states = subtaskStates(task);
        long done = states.stream().filter("done"::equals).count();
        long failed = states.stream().filter("failed"::equals).count();
        assertThat(done + failed).isEqualTo(nodes.size());
        assertThat(taskRow(task)).containsEntry("done", (int) done).containsEntry("failed", (int) failed)
                .containsEntry("expired", 0).containsEntry("state", failed > 0 ? "failed" : "completed");
    }

    @Test
    void aBatchThatFailsPartWayLeavesNothingAndTheNextBatchCommits() throws Exception {
        String task = newTaskId();
        String other = newTaskId();
        // Written after the new task's row: a node id longer than its column, which MariaDB refuses.
        SubtaskOutcome refused = done(other, "n".repeat(65));

        assertThatThrownBy(() -> apply(T0, List.of(created(task, "e1")), List.of(outcomes(other, refused))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("Data too long");
        assertThat(committedTaskIds(task, other)).isEmpty();

        apply(T0, List.of(created(other, "e1")), List.of());
        // Seen from a connection of its own: committed, not left open on the pooled connection that failed before.
        assertThat(committedTaskIds(task, other)).containsExactly(other);
    }

    private static List<String> committedTaskIds(String... taskIds) throws Exception {
        PurgelineConfig.Db db = ns.config().db();
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://" + db.host() + ":" + db.port() + "/"
                + db.database(), db.user(), db.password());
                PreparedStatement ps = c.prepareStatement("SELECT task_id FROM tasks WHERE task_id IN (?, ?)")) {
            ps.setString(1, taskIds[0]);
            ps.setString(2, taskIds[1]);
            List<String> found = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
            }
            return found;
        }
    }

    private static void applyInBatches(String task, List<String> nodes, int size,
            Function<String, SubtaskOutcome> outcome) {
        for (int round = 0; round < 2; round++) {
            for (int from = 0; from < nodes.size(); from += size) {
                List<SubtaskOutcome> batch = nodes.subList(from, Math.min(nodes.size(), from + size)).stream()
                        .map(outcome).toList();
                store(T0.plusSeconds(1)).apply(List.of(),
                        List.of(outcomes(task, batch.toArray(SubtaskOutcome[]::new))), List.of());
            }
        }
    }

    private static List<TaskRow> apply(Instant at, List<TaskCreated> created, List<SubtaskOutcomes> outcomes) {
        return store(at).apply(created, outcomes, List.of());
    }

    private static TaskStore store(Instant at) {
        return new JdbiTaskStore(ns.database().jdbi(), Codec.standard(), Clock.fixed(at, ZoneOffset.UTC),
                new ExpiryReasons(ns.redis(), ns.keys()));
    }

    private static Map<String, Object> taskRow(String task) {
        return ns.database().jdbi().withHandle(h -> h.createQuery("SELECT * FROM tasks WHERE task_id = :t")
                .bind("t", task).mapToMap().one());
    }

    private static List<Map<String, Object>> subtaskRows(String task) {
        return ns.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT * FROM subtasks WHERE task_id = :t ORDER BY subtask_id").bind("t", task).mapToMap().list());
    }

    private static Map<String, Object> subtaskRow(String task, String node) {
        return ns.database().jdbi().withHandle(h -> h.createQuery("SELECT * FROM subtasks WHERE subtask_id = :s")
                .bind("s", task + "@" + node).mapToMap().one());
    }

    private static List<String> subtaskStates(String task) {
        return subtaskRows(task).stream().map(r -> (String) r.get("state")).toList();
    }
}
