package io.purgeline.ingest;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.TaskStatus;
import io.purgeline.contracts.TaskStatus.NodeStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Rows of {@code tasks} and {@code subtasks} as API bodies. DATETIME columns hold UTC, whatever the server's or this
 * JVM's time zone; JSON columns follow the shared codec's conventions (snake_case, RFC 3339).
 */
final class TaskRowMappers {
    private static final Codec JSON = new Codec(-1);

    private TaskRowMappers() {}

    private static Instant utc(ResultSet rs, String column) throws SQLException {
        LocalDateTime t = rs.getObject(column, LocalDateTime.class);
        return t == null ? null : t.toInstant(ZoneOffset.UTC);
    }

    /** A task with an empty node list. */
    public static final class TaskMapper implements RowMapper<TaskStatus> {
        @Override
        public TaskStatus map(ResultSet rs, StatementContext ctx) throws SQLException {
            return new TaskStatus(rs.getString("task_id"), rs.getString("api_id"), rs.getString("type"),
                    rs.getString("state"), rs.getInt("total"), rs.getInt("done"), rs.getInt("failed"),
                    rs.getInt("expired"), Arrays.asList(JSON.fromJson(rs.getString("targets"), String[].class)),
                    utc(rs, "accepted_at"), utc(rs, "deadline_at"), utc(rs, "finished_at"), List.of(), null);
        }
    }

    public static final class NodeStatusMapper implements RowMapper<NodeStatus> {
        @Override
        public NodeStatus map(ResultSet rs, StatementContext ctx) throws SQLException {
            String items = rs.getString("items");
            return new NodeStatus(rs.getString("node_id"), rs.getString("subtask_id"), rs.getInt("tier"),
                    rs.getString("state"), rs.getInt("attempts"), rs.getObject("http_code", Integer.class),
                    rs.getString("last_error"), utc(rs, "started_at"), utc(rs, "finished_at"),
                    items == null ? List.of() : Arrays.asList(JSON.fromJson(items, ItemResult[].class)),
                    rs.getInt("items_total"));
        }
    }
}
