package io.purgeline.runtime;

import io.purgeline.contracts.AgentCallback;
import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.Items;
import io.purgeline.contracts.SubtaskOutcome;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.SubtaskResult;
import io.purgeline.contracts.SubtaskState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Turns an agent's results into saves: one {@link SubtaskOutcomes} per task, because saves are routed by task id
 * and one message per task is one write for the saver.
 */
public final class OutcomeGrouper {
    /** What the saver records when an agent says a subtask failed but gives no item error. */
    public static final String NO_REASON = "node reported the subtask failed without a reason";

    private OutcomeGrouper() {}

    /**
     * @param receivedAt stands in for a missing {@code finished_at}: the result cannot have finished later than it
     *                   arrived
     */
    public static List<SubtaskOutcomes> group(AgentCallback callback, Instant receivedAt) {
        // Attempts are counted by dispatch-worker; a callback does not know them, and the saver keeps the larger.
        return group(callback.nodeId(), callback.results(), receivedAt, subtaskId -> 0);
    }

    /**
     * The same for one node's results that came in its answer to a batch, where the dispatcher knows which attempt
     * each subtask was on.
     */
    public static List<SubtaskOutcomes> group(String nodeId, List<SubtaskResult> results, Instant receivedAt,
            ToIntFunction<String> attempts) {
        Map<String, List<SubtaskOutcome>> byTask = new LinkedHashMap<>();
        for (SubtaskResult r : results) {
            byTask.computeIfAbsent(r.taskId(), t -> new ArrayList<>())
                    .add(outcome(nodeId, r, receivedAt, attempts.applyAsInt(r.subtaskId())));
        }
        List<SubtaskOutcomes> saves = new ArrayList<>(byTask.size());
        byTask.forEach((taskId, outcomes) -> saves.add(new SubtaskOutcomes(taskId, List.copyOf(outcomes))));
        return saves;
    }

    private static SubtaskOutcome outcome(String nodeId, SubtaskResult r, Instant receivedAt, int attempts) {
        Items items = r.items() == null ? Items.NONE : r.items();
        ItemResult firstFailing = items.firstFailing();
        Integer httpCode = firstFailing != null ? Integer.valueOf(firstFailing.httpCode())
                : items.last() == null ? null : Integer.valueOf(items.last().httpCode());
        String error = r.state() == SubtaskState.DONE ? null
                : firstFailing != null ? firstFailing.error() : NO_REASON;
        return new SubtaskOutcome(r.subtaskId(), nodeId, r.state(), attempts, httpCode, error, items, r.startedAt(),
                r.finishedAt() != null ? r.finishedAt() : receivedAt);
    }
}
