package io.purgeline.saver;

import java.util.Arrays;
import java.util.Locale;

/** A task's state (API.md §3). Only moves forward; the last three are final. */
enum TaskState {
    ACCEPTED, RUNNING, COMPLETED, FAILED, EXPIRED;

    String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == EXPIRED;
    }

    static TaskState fromWire(String wire) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst()
                .orElseThrow(() -> new IllegalStateException("unknown task state in the database: '" + wire + "'"));
    }

    /**
     * The state a task is in given how many of its {@code total} subtasks ended each way. A final state never
     * changes; otherwise the task is running once any subtask has ended, and ends when all have: expired if any node
     * gave no result before the deadline, else failed if any failed, else completed.
     */
    TaskState after(int total, int done, int failed, int expired) {
        if (isFinal()) {
            return this;
        }
        int ended = done + failed + expired;
        if (ended >= total) {
            return expired > 0 ? EXPIRED : failed > 0 ? FAILED : COMPLETED;
        }
        return ended > 0 ? RUNNING : this;
    }
}
