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

    /**
     * One page of the task's nodes in (tier, node id) order, after the given ones, each with one page of its items:
     * MariaDB cuts the items out of the stored JSON (a node's may run to megabytes), so only the page is sent here.
     *
     * @param itemsPath a JSON path of an index range, {@code $[from to last]}; one past the end selects no items
     */
    @SqlQuery("""
            SELECT subtask_id, node_id, tier, state, attempts, http_code, last_error, started_at, finished_at,
                   COALESCE(JSON_LENGTH(items), 0) AS items_total, JSON_EXTRACT(items, :itemsPath) AS items
            FROM subtasks
            WHERE task_id = :taskId AND (tier, node_id) > (:afterTier, :afterNode)
            ORDER BY tier, node_id
            LIMIT :limit""")
    @RegisterRowMapper(NodeStatusMapper.class)
    List<NodeStatus> subtasks(@Bind("taskId") String taskId, @Bind("afterTier") int afterTier,
            @Bind("afterNode") String afterNode, @Bind("limit") int limit, @Bind("itemsPath") String itemsPath);
}
