package io.purgeline.contracts;

import java.util.List;

/**
 * The agent's 202 answer to a batch (API.md §4). {@code stillRunning} names the subtasks the agent already had and
 * has not finished yet: their results are still to come, so a re-send that finds them there is not a failed attempt.
 */
public record BatchQueued(String state, int subtasks, int duplicates, List<String> stillRunning) {
    public static final String QUEUED = "queued";

    public BatchQueued {
        stillRunning = stillRunning == null ? List.of() : List.copyOf(stillRunning);
    }
}
