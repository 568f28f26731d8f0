package io.purgeline.contracts;

import java.util.List;

/**
 * The agent's 202 answer to a batch. {@code stillRunning} names the subtasks the agent already had and has not
 * finished yet: their results are still to come, so a re-send that finds them there is not a failed attempt.
 * {@code results} holds the results of the batch's subtasks that finished before the agent answered, when the
 * dispatcher asked it to wait for them ({@code answer_ms}); those are not sent again by callback. Every other subtask's
 * result follows by callback. Agents that do not know {@code answer_ms} answer without results.
 */
public record BatchQueued(String state, int subtasks, int duplicates, List<String> stillRunning,
        List<SubtaskResult> results) {
    public static final String QUEUED = "queued";

    public BatchQueued {
        stillRunning = stillRunning == null ? List.of() : List.copyOf(stillRunning);
        results = results == null ? List.of() : List.copyOf(results);
    }

    public BatchQueued(String state, int subtasks, int duplicates, List<String> stillRunning) {
        this(state, subtasks, duplicates, stillRunning, List.of());
    }
}
