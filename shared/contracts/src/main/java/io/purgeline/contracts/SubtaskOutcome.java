package io.purgeline.contracts;

import java.time.Instant;
import java.util.List;

/**
 * The final result of one subtask, as the saver records it: reported by the agent (through callback-worker) or
 * decided by dispatch-worker when the node could not be reached. {@code error} is the reason a person reads.
 */
public record SubtaskOutcome(
        String subtaskId,
        String nodeId,
        SubtaskState state,
        int attempts,
        Integer httpCode,
        String error,
        List<ItemResult> items,
        Instant startedAt,
        Instant finishedAt) {}
