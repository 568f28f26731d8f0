package io.purgeline.ingest;

import io.purgeline.contracts.TaskStatus;
import io.purgeline.contracts.TaskStatus.NodeStatus;
import io.purgeline.ingest.TaskRowMappers.NodeStatusMapper;
import io.purgeline.ingest.TaskRowMappers.TaskMapper;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/** Reads the {@code tasks} and {@code subtasks} tables, which the saver writes. */
public interface TaskRows {
    /** The task, with an empty node list; see {@link #subtasks}. */
    @SqlQuery("""
            SELECT task_id, api_id, type, targets, state, total, done, failed, expired,
                   accepted_at, deadline_at, finished_at
            FROM tasks WHERE task_id = :taskId""")
    @RegisterRowMapper(TaskMapper.class)
    Optional<TaskStatus> task(@Bind("taskId") String taskId);

    @SqlQuery("""
            SELECT subtask_id, node_id, tier, state, attempts, http_code, last_error, items, started_at, finished_at
            FROM subtasks WHERE task_id = :taskId ORDER BY tier, node_id""")
    @RegisterRowMapper(NodeStatusMapper.class)
    List<NodeStatus> subtasks(@Bind("taskId") String taskId);
}
