package io.purgeline.saver;

import io.purgeline.contracts.SubtaskState;
import io.purgeline.runtime.Utc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.Collection;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The saver's SQL over {@code tasks} and {@code subtasks} (V1 migration), but for the writes of subtask rows
 * ({@link SubtaskRows}), on one handle (a transaction's). Writes are multi-row statements. Every DATETIME is UTC
 * wall-clock time, bound and read as {@link LocalDateTime} so that no JVM or session time zone takes part.
 *
 * <p>Plain statements on the handle, not a SQL object: attaching a SQL object builds a handler and a configuration
 * for each of its methods and registers its row mappers, on every attach, and with one attach per transaction that
 * was a seventh of the saver's processor when purges came one at a time.
 */
final class TaskSql {
    /** SQL list of the subtask states that never change again. */
    static final String FINAL = "('done', 'failed', 'expired')";

    /** A task as created: state accepted, no subtask ended yet. Public: its values are bound by reflection. */
    public record NewTask(String taskId, String apiId, String type, String targets, String options, int priority,
            String lane, int total, LocalDateTime acceptedAt, LocalDateTime deadlineAt) {
        public String state() {
            return TaskState.ACCEPTED.wire();
        }
    }

    /** A subtask as planned at intake: pending. */
    record PlannedSubtask(String subtaskId, String taskId, String nodeId, int tier, LocalDateTime updatedAt) {
        public String state() {
            return SubtaskState.PENDING.wire();
        }
    }

    /** A subtask's final outcome. Its tier is unknown here (0) until the task's creation is saved. */
    record Outcome(String subtaskId, String taskId, String nodeId, String state, int attempts, Integer httpCode,
            String lastError, String items, LocalDateTime startedAt, LocalDateTime finishedAt,
            LocalDateTime updatedAt) {
        public int tier() {
            return 0;
        }
    }

    record Counts(String taskId, int done, int failed, int expired) {}

    record Ended(String taskId, String nodeId, String state, String lastError) {}

    /** A subtask that has not ended yet. */
    record Unfinished(String subtaskId, String taskId, String nodeId) {}

    /** A subtask's row as it stands. */
    record SubtaskStateRow(String subtaskId, String state) {}

    record TaskUpdate(String taskId, String state, int done, int failed, int expired, LocalDateTime finishedAt) {}

    private static final String INSERT_TASKS = "INSERT INTO tasks (task_id, api_id, type, targets, options, priority, "
            + "lane, state, total, accepted_at, deadline_at) VALUES <rows> ON DUPLICATE KEY UPDATE task_id = task_id";
    private static final List<String> NEW_TASK_COLUMNS = List.of("taskId", "apiId", "type", "targets", "options",
            "priority", "lane", "state", "total", "acceptedAt", "deadlineAt");

    private final Handle h;

    TaskSql(Handle h) {
        this.h = h;
    }

    /**
     * Inserts tasks not yet known and leaves an existing one as it is. A no-op update rather than INSERT IGNORE,
     * which would also turn data errors (a value too long) into silent warnings.
     */
    void insertTasks(List<NewTask> rows) {
        h.createUpdate(INSERT_TASKS).bindMethodsList("rows", rows, NEW_TASK_COLUMNS).execute();
    }

    /** Locks the tasks, so that two savers (briefly, after a partition moved) recount one task one after the other. */
    List<TaskRow> lockTasks(Collection<String> ids) {
        return byIds("SELECT task_id, api_id, type, state, total, done, failed, expired, accepted_at, finished_at, "
                + "event_sent FROM tasks WHERE task_id IN (<ids>) ORDER BY task_id FOR UPDATE", ids, TaskSql::taskRow);
    }

    List<Counts> countSubtasks(Collection<String> ids) {
        return byIds("SELECT task_id, SUM(state = 'done') AS done, SUM(state = 'failed') AS failed, "
                + "SUM(state = 'expired') AS expired FROM subtasks WHERE task_id IN (<ids>) GROUP BY task_id", ids,
                (rs, ctx) -> new Counts(rs.getString("task_id"), rs.getInt("done"), rs.getInt("failed"),
                        rs.getInt("expired")));
    }

    List<SubtaskStateRow> subtaskStates(Collection<String> ids) {
        return byIds("SELECT subtask_id, state FROM subtasks WHERE subtask_id IN (<ids>)", ids,
                (rs, ctx) -> new SubtaskStateRow(rs.getString("subtask_id"), rs.getString("state")));
    }

    void updateTasks(List<TaskUpdate> updates) {
        PreparedBatch batch = h.prepareBatch("UPDATE tasks SET state = :state, done = :done, failed = :failed, "
                + "expired = :expired, finished_at = :finishedAt WHERE task_id = :taskId");
        for (TaskUpdate u : updates) {
            batch.bind("state", u.state()).bind("done", u.done()).bind("failed", u.failed())
                    .bind("expired", u.expired()).bind("finishedAt", u.finishedAt()).bind("taskId", u.taskId())
                    .add();
        }
        batch.execute();
    }

    List<Ended> unsuccessful(Collection<String> ids) {
        return byIds("SELECT task_id, node_id, state, last_error FROM subtasks "
                + "WHERE task_id IN (<ids>) AND state IN ('failed', 'expired') ORDER BY task_id, node_id", ids,
                (rs, ctx) -> new Ended(rs.getString("task_id"), rs.getString("node_id"), rs.getString("state"),
                        rs.getString("last_error")));
    }

    /** In key order, like every write of the saver, so that the upserts that follow lock rows in the same order. */
    List<Unfinished> unfinished(Collection<String> ids) {
        return byIds("SELECT subtask_id, task_id, node_id FROM subtasks "
                + "WHERE task_id IN (<ids>) AND state NOT IN " + FINAL + " ORDER BY subtask_id", ids,
                (rs, ctx) -> new Unfinished(rs.getString("subtask_id"), rs.getString("task_id"),
                        rs.getString("node_id")));
    }

    /**
     * Tasks still open at {@code now} although their deadline passed. A range scan of index tasks_by_deadline
     * (state, deadline_at) that stops at {@code limit}; no ORDER BY, which would sort every overdue task first.
     */
    List<String> overdue(LocalDateTime now, int limit) {
        return h.createQuery("SELECT task_id FROM tasks WHERE state IN ('accepted', 'running') AND deadline_at <= :now "
                        + "LIMIT :limit")
                .bind("now", now).bind("limit", limit).mapTo(String.class).list();
    }

    void markEventSent(Collection<String> ids) {
        h.createUpdate("UPDATE tasks SET event_sent = TRUE WHERE task_id IN (<ids>)").bindList("ids", ids).execute();
    }

    /** The rows of a query over {@code <ids>}, bound as a list. */
    private <T> List<T> byIds(String sql, Collection<String> ids, RowMapper<T> mapper) {
        return h.createQuery(sql).bindList("ids", ids).map(mapper).list();
    }

    private static TaskRow taskRow(ResultSet rs, StatementContext ctx) throws SQLException {
        return new TaskRow(rs.getString("task_id"), rs.getString("api_id"), rs.getString("type"),
                TaskState.fromWire(rs.getString("state")), rs.getInt("total"), rs.getInt("done"),
                rs.getInt("failed"), rs.getInt("expired"), Utc.instant(rs, "accepted_at"),
                Utc.instant(rs, "finished_at"), rs.getBoolean("event_sent"));
    }
}
