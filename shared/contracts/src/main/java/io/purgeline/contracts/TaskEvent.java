package io.purgeline.contracts;

import java.time.Instant;
import java.util.List;

/** What upstream hears on the events exchange (API.md §2); the routing key is {@code "task." + state}. */
public record TaskEvent(
        String taskId,
        String apiId,
        String type,
        String state,
        int total,
        int done,
        int failed,
        int expired,
        Integer workingTier,
        List<FailedNode> failedNodes,
        Instant acceptedAt,
        Instant finishedAt,
        String reason) {

    public String routingKey() {
        return "task." + state;
    }
}
