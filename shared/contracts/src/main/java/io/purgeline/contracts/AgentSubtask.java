package io.purgeline.contracts;

import java.util.List;

/** One subtask inside a batch sent to an edge agent (API.md §4). */
public record AgentSubtask(
        String subtaskId,
        String taskId,
        TaskType type,
        List<String> urls,
        List<String> dirs,
        List<String> tags,
        TaskOptions options,
        String callbackToken) {

    /** The URLs, directories or tags this subtask acts on, whichever its type uses. */
    public List<String> targets() {
        List<String> t = switch (type) {
            case REFRESH, PREFETCH -> urls;
            case REFRESH_DIR -> dirs;
            case REFRESH_TAG -> tags;
        };
        return t == null ? List.of() : t;
    }
}
