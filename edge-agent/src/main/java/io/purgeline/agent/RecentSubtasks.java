package io.purgeline.agent;

import io.purgeline.contracts.Encoded;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Set;

/**
 * The subtasks this node is working on and the ones it finished recently, with the callback body of each result, so
 * that a redelivered subtask is recognised: not queued twice while it runs, and answered with the same result once it
 * is done. Finished subtasks are forgotten oldest first, beyond a count, a total size of their results or an age;
 * running ones never are (the runner's capacity bounds them).
 */
final class RecentSubtasks {
    private record Finished(Encoded result, long atMillis) {}

    private final int maxFinished;
    private final long maxBytes;
    private final long maxAgeMillis;
    private final Clock clock;
    private final Set<String> running = new HashSet<>();
    /** In the order the subtasks finished, so the oldest is always first. */
    private final LinkedHashMap<String, Finished> finished = new LinkedHashMap<>();
    private long bytes;

    RecentSubtasks(int maxFinished, long maxBytes, Duration maxAge, Clock clock) {
        if (maxFinished < 1) {
            throw new IllegalArgumentException("must remember at least 1 finished subtask, got " + maxFinished);
        }
        this.maxFinished = maxFinished;
        this.maxBytes = maxBytes;
        this.maxAgeMillis = maxAge.toMillis();
        this.clock = clock;
    }

    synchronized boolean isRunning(String subtaskId) {
        return running.contains(subtaskId);
    }

    /** The callback body of the subtask's result if it finished recently, else null. */
    synchronized Encoded resultOf(String subtaskId) {
        forgetOld();
        Finished f = finished.get(subtaskId);
        return f == null ? null : f.result();
    }

    synchronized void started(String subtaskId) {
        running.add(subtaskId);
    }

    synchronized void finished(String subtaskId, Encoded result) {
        running.remove(subtaskId);
        forget(finished.remove(subtaskId));
        finished.put(subtaskId, new Finished(result, clock.millis()));
        bytes += result.body().length;
        forgetOld();
    }

    /** A subtask that ended without a result: forgotten, so that a redelivery works on it again. */
    synchronized void abandoned(String subtaskId) {
        running.remove(subtaskId);
    }

    synchronized int remembered() {
        return running.size() + finished.size();
    }

    private void forgetOld() {
        long cutoff = clock.millis() - maxAgeMillis;
        for (Iterator<Finished> oldestFirst = finished.values().iterator(); oldestFirst.hasNext(); ) {
            Finished oldest = oldestFirst.next();
            if (finished.size() <= maxFinished && bytes <= maxBytes && oldest.atMillis() >= cutoff) {
                return;
            }
            oldestFirst.remove();
            forget(oldest);
        }
    }

    private void forget(Finished f) {
        if (f != null) {
            bytes -= f.result().body().length;
        }
    }
}
