package io.purgeline.dispatch;

import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.Items;
import io.purgeline.contracts.SubtaskOutcome;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.SubtaskState;
import io.purgeline.runtime.Outgoing;
import io.purgeline.runtime.Topology;
import java.time.Instant;
import java.util.List;

/** The outcomes dispatch-worker decides itself, for nodes whose agent will not report, as saves for the saver. */
final class OutcomeSaves {
    /** The reason recorded for a delivery that reached its task's deadline unsent. */
    static final String DEADLINE_PASSED = "deadline passed before the node could be reached";

    private OutcomeSaves() {}

    /** One save for one task's outcomes, routed and correlated by the task id as every save is. */
    static Outgoing save(Topology topology, String taskId, List<SubtaskOutcome> outcomes) {
        return topology.save(taskId, SubtaskOutcomes.MESSAGE_TYPE, new SubtaskOutcomes(taskId, outcomes))
                .correlationId(taskId);
    }

    static SubtaskOutcome failed(Assignment a, Integer httpCode, String reason, Instant now) {
        return new SubtaskOutcome(a.subtaskId(), a.nodeId(), SubtaskState.FAILED, a.attempt(), httpCode, reason,
                Items.NONE, null, now);
    }

    /** Attempts are those used before, not counting the one the deadline prevented. */
    static SubtaskOutcome expired(Assignment a, Instant now) {
        return new SubtaskOutcome(a.subtaskId(), a.nodeId(), SubtaskState.EXPIRED, a.attempt() - 1, null,
                DEADLINE_PASSED, Items.NONE, null, now);
    }
}
