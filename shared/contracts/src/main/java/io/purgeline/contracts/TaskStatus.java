package io.purgeline.contracts;

import java.time.Instant;
import java.util.List;

/** Body of {@code GET /v1/tasks/{task_id}}: the task and every target node's state within it. */
public record TaskStatus(
        String taskId,
        String apiId,
        String type,
        String state,
        int total,
        int done,
        int failed,
        int expired,
        List<String> targets,
        Instant acceptedAt,
        Instant deadlineAt,
        Instant finishedAt,
        List<NodeStatus> nodes) {

    /** One node's part of a task. */
    public record NodeStatus(
            String nodeId,
            String subtaskId,
            int tier,
            String state,
            int attempts,
            Integer httpCode,
            String lastError,
            Instant startedAt,
            Instant finishedAt,
            List<ItemResult> items) {}
}
