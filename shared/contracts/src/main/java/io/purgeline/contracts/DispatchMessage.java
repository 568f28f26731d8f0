package io.purgeline.contracts;

import java.time.Instant;
import java.util.List;

/**
 * One task's work for a chunk of nodes. Carrying many nodes per message is what lets the broker, the scarce resource,
 * move many node-deliveries per message (DESIGN.md, cost model). Retries carry only the nodes that failed.
 */
public record DispatchMessage(
        String taskId,
        String apiId,
        TaskType type,
        List<String> targets,
        TaskOptions options,
        int priority,
        Lane lane,
        Instant deadlineAt,
        List<Assignment> assignments) {

    public static final String MESSAGE_TYPE = "dispatch";

    public DispatchMessage withAssignments(List<Assignment> only) {
        return new DispatchMessage(taskId, apiId, type, targets, options, priority, lane, deadlineAt, only);
    }
}
