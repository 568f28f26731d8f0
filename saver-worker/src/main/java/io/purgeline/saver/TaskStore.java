package io.purgeline.saver;

import io.purgeline.contracts.FailedNode;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.TaskCreated;
import io.purgeline.contracts.TaskExpiry;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The durable record of tasks and subtasks. Every operation is idempotent, and creations and outcomes are independent
 * of order: applying the same saves again, or a task's outcomes before its creation, ends in the same rows. Expiries
 * are not: they end whatever has not ended yet, so they are applied after the creations and outcomes they came after.
 */
interface TaskStore {
    /**
     * Applies one batch of saves in one transaction, expiries last, and recounts every task it touched from its
     * subtasks.
     *
     * @return the committed state of each touched task that exists (outcomes may arrive before their task)
     */
    List<TaskRow> apply(List<TaskCreated> created, List<SubtaskOutcomes> outcomes, List<TaskExpiry> expiries);

    /** The nodes that failed or expired in each of these tasks, with the reason; tasks with none are absent. */
    Map<String, List<FailedNode>> failedNodes(Collection<String> taskIds);

    /** Records that the final event of these tasks was confirmed by the broker. */
    void markEventSent(Collection<String> taskIds);

    /** Up to {@code limit} tasks not final at {@code now} although their deadline has passed. */
    List<String> overdue(Instant now, int limit);
}
