package io.purgeline.agent;

import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.TaskType;

/**
 * The result for a purge kind the local cache cannot do. It is an item error, so the subtask and the node end
 * FAILED with this reason: a task must never report success for objects the cache did not remove.
 */
final class Unsupported {
    private Unsupported() {}

    /** For example "refresh_dir is unsupported by squid: Squid removes only single URLs". */
    static ItemResult result(String target, TaskType type, String cacheKind, String why) {
        return new ItemResult(target, 0, 0, 0, type.wire() + " is unsupported by " + cacheKind + ": " + why);
    }
}
