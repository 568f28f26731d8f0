package io.purgeline.saver;

import java.time.Instant;

/** A task as committed: what the saver mirrors to Redis and announces as an event. */
record TaskRow(
        String taskId,
        String apiId,
        String type,
        TaskState state,
        int total,
        int done,
        int failed,
        int expired,
        Instant acceptedAt,
        Instant finishedAt,
        boolean eventSent) {

    /** Final, and its final event not yet confirmed by the broker. */
    boolean awaitsEvent() {
        return state.isFinal() && !eventSent;
    }
}
