package io.purgeline.agent;

import io.purgeline.contracts.AgentBatch;
import io.purgeline.contracts.AgentSubtask;
import io.purgeline.contracts.TaskOptions;

/** Turns a test batch into one with task options: a soft purge ({@code options.soft}), verify, hls…, as ingest passes them on. */
final class SoftBatches {
    static final TaskOptions SOFT = new TaskOptions(true, null, null, null);

    static final TaskOptions VERIFY = new TaskOptions(null, null, true, null);
    static final TaskOptions SOFT_VERIFY = new TaskOptions(true, null, true, null);

    private SoftBatches() {}

    static AgentBatch soft(AgentBatch batch) {
        return withOptions(batch, SOFT);
    }

    static AgentBatch withOptions(AgentBatch batch, TaskOptions options) {
        return new AgentBatch(batch.nodeId(), batch.callbackApi(), batch.subtasks().stream()
                .map(s -> new AgentSubtask(s.subtaskId(), s.taskId(), s.type(), s.urls(), s.dirs(), s.tags(), options,
                        s.callbackToken()))
                .toList());
    }
}
