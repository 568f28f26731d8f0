package io.purgeline.agent;

import io.purgeline.contracts.AgentBatch;
import io.purgeline.contracts.AgentSubtask;
import io.purgeline.contracts.TaskOptions;

/** Turns a test batch into one asking for a soft purge ({@code options.soft}), as ingest passes it on. */
final class SoftBatches {
    static final TaskOptions SOFT = new TaskOptions(true, null, null, null);

    private SoftBatches() {}

    static AgentBatch soft(AgentBatch batch) {
        return new AgentBatch(batch.nodeId(), batch.callbackApi(), batch.subtasks().stream()
                .map(s -> new AgentSubtask(s.subtaskId(), s.taskId(), s.type(), s.urls(), s.dirs(), s.tags(), SOFT,
                        s.callbackToken()))
                .toList());
    }
}
