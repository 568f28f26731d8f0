package io.purgeline.bench.fleet;

import io.purgeline.contracts.SubtaskResult;
import io.purgeline.contracts.SubtaskState;
import java.time.Instant;

/**
 * One subtask as a simulated node actually executed it, recorded before its result was reported: what a check
 * compares with what purgeline recorded for the subtask.
 *
 * @param reason the first failed target's error, null when every target succeeded
 */
public record Execution(String nodeId, String subtaskId, String taskId, SubtaskState state, String reason,
        Instant finishedAt) {

    static Execution of(String nodeId, SubtaskResult result) {
        String reason = result.items().firstFailing() == null ? null : result.items().firstFailing().error();
        return new Execution(nodeId, result.subtaskId(), result.taskId(), result.state(), reason,
                result.finishedAt());
    }
}
