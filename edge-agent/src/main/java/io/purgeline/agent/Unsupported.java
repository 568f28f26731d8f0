package io.purgeline.agent;

import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.TaskOptions;
import io.purgeline.contracts.TaskType;

/**
 * The result for a purge kind, or a soft purge, the local cache cannot do. It is an item error, so the subtask and the
 * node end FAILED with this reason: a task must never report success for objects the cache did not remove.
 */
final class Unsupported {
    private Unsupported() {}

    /** For example "refresh_dir is unsupported by squid: Squid removes only single URLs". */
    static ItemResult result(String target, TaskType type, String cacheKind, String why) {
        return new ItemResult(target, 0, 0, 0, type.wire() + " is unsupported by " + cacheKind + ": " + why);
    }

    /**
     * For a soft purge ({@code options.soft}) the cache cannot do, for example "soft refresh is unsupported by nginx:
     * …". Not a hard purge instead: the caller asked to keep serving the old copy while the cache revalidates, and a
     * hard purge sends every following request to the origin at once.
     */
    static ItemResult soft(String target, TaskType type, String cacheKind, String why) {
        return new ItemResult(target, 0, 0, 0, "soft " + type.wire() + " is unsupported by " + cacheKind + ": " + why);
    }

    /** Whether the task asks for a soft purge: mark stale and revalidate, instead of remove. */
    static boolean softRequested(TaskOptions options) {
        return options != null && Boolean.TRUE.equals(options.soft());
    }
}
