package io.purgeline.bench.chaos;

import java.util.List;

/**
 * What a chaos run found. {@code lost} counts accepted tasks that did not become final plus subtasks without a
 * final record; {@code problems} lists every broken promise found (wrong counts, a result recorded differently
 * from how it was executed, messages left in queues).
 */
public record ChaosReport(int tasks, int subtasks, int kills, int restarts, long redeliveries,
        long duplicatesSuppressed, long lost, List<String> problems) {

    /** The last line of a run. */
    public String summary() {
        return "tasks=" + tasks + " subtasks=" + subtasks + " kills=" + kills + " restarts=" + restarts
                + " redeliveries=" + redeliveries + " duplicates_suppressed=" + duplicatesSuppressed + " lost=" + lost;
    }

    public boolean clean() {
        return lost == 0 && problems.isEmpty();
    }
}
