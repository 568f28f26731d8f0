package io.purgeline.ingest;

import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.TaskCreated;
import java.util.List;

/** A task planned onto nodes: the save that records it, and the dispatch messages that carry its work. */
public record Expansion(TaskCreated created, List<DispatchMessage> dispatches) {
    public Expansion {
        dispatches = List.copyOf(dispatches);
    }

    public String taskId() {
        return created.taskId();
    }

    /** Number of subtasks, one per target node. */
    public int total() {
        return created.subtasks().size();
    }
}
