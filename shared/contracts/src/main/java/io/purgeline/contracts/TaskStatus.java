package io.purgeline.contracts;

import java.time.Instant;
import java.util.List;

/**
 * Body of {@code GET /v1/tasks/{task_id}}: the task and one page of its target nodes' states (docs/contracts.md).
 *
 * @param nextNodesAfter the {@code nodes_after} that reads the next page of nodes; absent on the last page
 */
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
        List<NodeStatus> nodes,
        String nextNodesAfter) {

    /**
     * One node's part of a task, with one page of its per-target results.
     *
     * @param itemsTotal how many per-target results the node reported; {@code items} holds the requested page of them
     */
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
            List<ItemResult> items,
            int itemsTotal) {}
}
