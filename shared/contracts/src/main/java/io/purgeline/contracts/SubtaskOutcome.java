package io.purgeline.contracts;

import com.google.gson.annotations.JsonAdapter;
import java.time.Instant;

/**
 * The final result of one subtask, as the saver records it: reported by the agent (through callback-worker) or
 * decided by dispatch-worker when the node could not be reached. {@code error} is the reason a person reads.
 * {@code items} travels as one JSON string holding the array's text (see {@code ItemsAdapter.AsText}).
 */
public record SubtaskOutcome(
        String subtaskId,
        String nodeId,
        SubtaskState state,
        int attempts,
        Integer httpCode,
        String error,
        @JsonAdapter(ItemsAdapter.AsText.class) Items items,
        Instant startedAt,
        Instant finishedAt) {}
