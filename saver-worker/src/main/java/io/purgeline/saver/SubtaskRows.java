package io.purgeline.saver;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The saver's two hot writes of {@code subtasks} rows, planned subtasks and outcomes, as multi-row statements bound by
 * position through the transaction's JDBC connection. Bound through JDBI's {@code @BindMethodsList}, every column of
 * every row was found and read by reflection: 16 % of the saver's processor under the throughput benchmark, as much
 * as the driver's own writing of the statement. Rows come in power-of-two counts ({@link Chunks}), so each statement
 * has a handful of shapes, whose SQL is built once.
 */
final class SubtaskRows {
    /** SQL list of the subtask states that never change again. */
    private static final String FINAL = TaskSql.FINAL;

    /**
     * Inserts planned subtasks as pending. A subtask whose outcome arrived first keeps its state and only learns its
     * tier.
     */
    private static final Statement<TaskSql.PlannedSubtask> PLANNED = new Statement<>(
            "INSERT INTO subtasks (subtask_id, task_id, node_id, tier, state, updated_at) VALUES ",
            6, " ON DUPLICATE KEY UPDATE tier = VALUES(tier)",
            (ps, at, s) -> {
                ps.setString(at, s.subtaskId());
                ps.setString(at + 1, s.taskId());
                ps.setString(at + 2, s.nodeId());
                ps.setInt(at + 3, s.tier());
                ps.setString(at + 4, s.state());
                dateTime(ps, at + 5, s.updatedAt());
            });

    /**
     * Moves subtasks to their final state unless they are final already: a redelivered or later outcome changes
     * nothing. MariaDB applies the assignments left to right, so {@code state} comes last and every test before it
     * still sees the old state.
     */
    private static final Statement<TaskSql.Outcome> OUTCOMES = new Statement<>(
            "INSERT INTO subtasks (subtask_id, task_id, node_id, tier, state, attempts, http_code, last_error, "
                    + "items, started_at, finished_at, updated_at) VALUES ",
            12, " ON DUPLICATE KEY UPDATE "
                    + "attempts = IF(state IN " + FINAL + ", attempts, GREATEST(attempts, VALUES(attempts))), "
                    + "http_code = IF(state IN " + FINAL + ", http_code, VALUES(http_code)), "
                    + "last_error = IF(state IN " + FINAL + ", last_error, VALUES(last_error)), "
                    + "items = IF(state IN " + FINAL + ", items, VALUES(items)), "
                    + "started_at = IF(state IN " + FINAL + ", started_at, VALUES(started_at)), "
                    + "finished_at = IF(state IN " + FINAL + ", finished_at, VALUES(finished_at)), "
                    + "updated_at = IF(state IN " + FINAL + ", updated_at, VALUES(updated_at)), "
                    + "state = IF(state IN " + FINAL + ", state, VALUES(state))",
            (ps, at, o) -> {
                ps.setString(at, o.subtaskId());
                ps.setString(at + 1, o.taskId());
                ps.setString(at + 2, o.nodeId());
                ps.setInt(at + 3, o.tier());
                ps.setString(at + 4, o.state());
                ps.setInt(at + 5, o.attempts());
                if (o.httpCode() == null) {
                    ps.setNull(at + 6, Types.INTEGER);
                } else {
                    ps.setInt(at + 6, o.httpCode());
                }
                ps.setString(at + 7, o.lastError());
                ps.setString(at + 8, o.items());
                dateTime(ps, at + 9, o.startedAt());
                dateTime(ps, at + 10, o.finishedAt());
                dateTime(ps, at + 11, o.updatedAt());
            });

    private SubtaskRows() {}

    /**
     * A failure is thrown as an unchecked exception whose cause is the driver's, which is what tells a transient one
     * ({@code Failures}) from one the rows caused.
     */
    static void insertPlanned(Connection c, List<TaskSql.PlannedSubtask> rows) {
        PLANNED.execute(c, rows);
    }

    static void upsertOutcomes(Connection c, List<TaskSql.Outcome> rows) {
        OUTCOMES.execute(c, rows);
    }

    private static void dateTime(PreparedStatement ps, int at, LocalDateTime value) throws SQLException {
        if (value == null) {
            ps.setNull(at, Types.TIMESTAMP);
        } else {
            ps.setObject(at, value);
        }
    }

    /** Binds one row's columns from parameter {@code at} on. */
    @FunctionalInterface
    private interface Columns<T> {
        void bind(PreparedStatement ps, int at, T row) throws SQLException;
    }

    /** {@code head} + one {@code (?, …)} per row + {@code tail}, bound row by row. */
    private record Statement<T>(String head, int columns, String tail, Columns<T> binder,
            Map<Integer, String> byRows) {
        Statement(String head, int columns, String tail, Columns<T> binder) {
            this(head, columns, tail, binder, new ConcurrentHashMap<>());
        }

        void execute(Connection c, List<T> rows) {
            String sql = byRows.computeIfAbsent(rows.size(), this::sql);
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int at = 1;
                for (T row : rows) {
                    binder.bind(ps, at, row);
                    at += columns;
                }
                ps.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("MariaDB did not take " + rows.size() + " subtask row(s): "
                        + e.getMessage(), e);
            }
        }

        private String sql(int rows) {
            String one = "(" + "?, ".repeat(columns - 1) + "?)";
            StringBuilder sql = new StringBuilder(head.length() + tail.length() + rows * (one.length() + 2));
            sql.append(head);
            for (int i = 0; i < rows; i++) {
                sql.append(i == 0 ? "" : ", ").append(one);
            }
            return sql.append(tail).toString();
        }
    }
}
