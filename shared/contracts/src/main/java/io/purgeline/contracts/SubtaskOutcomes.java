package io.purgeline.contracts;

import java.util.List;

/** Save message: final results of some of one task's subtasks, gathered into one message. Routed by task id. */
public record SubtaskOutcomes(String taskId, List<SubtaskOutcome> outcomes) {
    public static final String MESSAGE_TYPE = "subtask.outcomes";
}
