package io.purgeline.saver;

import io.purgeline.contracts.SubtaskState;
import io.purgeline.runtime.Utc;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.Collection;
import java.util.List;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.customizer.BindMethodsList;
import org.jdbi.v3.sqlobject.statement.SqlBatch;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

/**
 * The saver's SQL over {@code tasks} and {@code subtasks} (V1 migration), but for the writes of subtask rows
 * ({@link SubtaskRows}). Writes are multi-row statements. Every
 * DATETIME is UTC wall-clock time, bound and read as {@link LocalDateTime} so that no JVM or session time zone takes
 * part.
 */
@RegisterRowMapper(TaskSql.TaskRowMapper.class)
@RegisterRowMapper(TaskSql.CountsMapper.class)
@RegisterRowMapper(TaskSql.EndedMapper.class)
@RegisterRowMapper(TaskSql.UnfinishedMapper.class)
@RegisterRowMapper(TaskSql.SubtaskStateMapper.class)
interface TaskSql {
    /** SQL list of the subtask states that never change again. */
    String FINAL = "('done', 'failed', 'expired')";

    /** A task as created: state accepted, no subtask ended yet. */
    record NewTask(String taskId, String apiId, String type, String targets, String options, int priority,
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

    /**
     * Inserts tasks not yet known and leaves an existing one as it is. A no-op update rather than INSERT IGNORE,
     * which would also turn data errors (a value too long) into silent warnings.
     */
    @SqlUpdate("INSERT INTO tasks (task_id, api_id, type, targets, options, priority, lane, state, total, "
            + "accepted_at, deadline_at) VALUES <rows> ON DUPLICATE KEY UPDATE task_id = task_id")
    void insertTasks(@BindMethodsList(value = "rows", methodNames = {"taskId", "apiId", "type", "targets",
            "options", "priority", "lane", "state", "total", "acceptedAt", "deadlineAt"}) List<NewTask> rows);

    /** Locks the tasks, so that two savers (briefly, after a partition moved) recount one task one after the other. */
    @SqlQuery("SELECT task_id, api_id, type, state, total, done, failed, expired, accepted_at, finished_at, "
            + "event_sent FROM tasks WHERE task_id IN (<ids>) ORDER BY task_id FOR UPDATE")
    List<TaskRow> lockTasks(@BindList("ids") Collection<String> ids);

    @SqlQuery("SELECT task_id, SUM(state = 'done') AS done, SUM(state = 'failed') AS failed, "
            + "SUM(state = 'expired') AS expired FROM subtasks WHERE task_id IN (<ids>) GROUP BY task_id")
    List<Counts> countSubtasks(@BindList("ids") Collection<String> ids);

    @SqlQuery("SELECT subtask_id, state FROM subtasks WHERE subtask_id IN (<ids>)")
    List<SubtaskStateRow> subtaskStates(@BindList("ids") Collection<String> ids);

    @SqlBatch("UPDATE tasks SET state = :state, done = :done, failed = :failed, expired = :expired, "
            + "finished_at = :finishedAt WHERE task_id = :taskId")
    void updateTasks(@BindMethods List<TaskUpdate> updates);

    @SqlQuery("SELECT task_id, node_id, state, last_error FROM subtasks "
            + "WHERE task_id IN (<ids>) AND state IN ('failed', 'expired') ORDER BY task_id, node_id")
    List<Ended> unsuccessful(@BindList("ids") Collection<String> ids);

    /** In key order, like every write of the saver, so that the upserts that follow lock rows in the same order. */
    @SqlQuery("SELECT subtask_id, task_id, node_id FROM subtasks "
            + "WHERE task_id IN (<ids>) AND state NOT IN " + FINAL + " ORDER BY subtask_id")
    List<Unfinished> unfinished(@BindList("ids") Collection<String> ids);

    /**
     * Tasks still open at {@code now} although their deadline passed. A range scan of index tasks_by_deadline
     * (state, deadline_at) that stops at {@code limit}; no ORDER BY, which would sort every overdue task first.
     */
    @SqlQuery("SELECT task_id FROM tasks WHERE state IN ('accepted', 'running') AND deadline_at <= :now "
            + "LIMIT :limit")
    List<String> overdue(@Bind("now") LocalDateTime now, @Bind("limit") int limit);

    @SqlUpdate("UPDATE tasks SET event_sent = TRUE WHERE task_id IN (<ids>)")
    void markEventSent(@BindList("ids") Collection<String> ids);

    final class TaskRowMapper implements RowMapper<TaskRow> {
        @Override
        public TaskRow map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new TaskRow(rs.getString("task_id"), rs.getString("api_id"), rs.getString("type"),
                    TaskState.fromWire(rs.getString("state")), rs.getInt("total"), rs.getInt("done"),
                    rs.getInt("failed"), rs.getInt("expired"), Utc.instant(rs, "accepted_at"),
                    Utc.instant(rs, "finished_at"), rs.getBoolean("event_sent"));
        }
    }

    final class CountsMapper implements RowMapper<Counts> {
        @Override
        public Counts map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new Counts(rs.getString("task_id"), rs.getInt("done"), rs.getInt("failed"), rs.getInt("expired"));
        }
    }

    final class EndedMapper implements RowMapper<Ended> {
        @Override
        public Ended map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new Ended(rs.getString("task_id"), rs.getString("node_id"), rs.getString("state"),
                    rs.getString("last_error"));
        }
    }

    final class UnfinishedMapper implements RowMapper<Unfinished> {
        @Override
        public Unfinished map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new Unfinished(rs.getString("subtask_id"), rs.getString("task_id"), rs.getString("node_id"));
        }
    }

    final class SubtaskStateMapper implements RowMapper<SubtaskStateRow> {
        @Override
        public SubtaskStateRow map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new SubtaskStateRow(rs.getString("subtask_id"), rs.getString("state"));
        }
    }
}
