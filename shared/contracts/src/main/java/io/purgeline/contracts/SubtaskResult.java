package io.purgeline.contracts;

import java.time.Instant;

/** One subtask's result as an agent reports it; {@code state} is "done" or "failed". */
public record SubtaskResult(
        String subtaskId,
        String taskId,
        String callbackToken,
        SubtaskState state,
        Items items,
        Instant startedAt,
        Instant finishedAt) {}
