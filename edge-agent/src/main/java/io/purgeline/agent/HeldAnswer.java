package io.purgeline.agent;

import io.purgeline.contracts.SubtaskResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The answer to one batch, held until the batch's new subtasks have finished or the dispatcher's {@code answer_ms}
 * has passed, whichever comes first. A result that finishes while the answer is held goes out in it; one that
 * finishes after goes by callback. One exchange then carries both the work and its result, where a callback would
 * take a second request from every node and a hop through callback-worker.
 */
final class HeldAnswer {
    private final Set<String> awaited;
    private final List<SubtaskResult> results = new ArrayList<>();
    private final CompletableFuture<List<SubtaskResult>> sent = new CompletableFuture<>();
    private boolean open = true;

    /** @param awaited the subtasks of the batch being worked on here for it */
    HeldAnswer(Collection<String> awaited) {
        this.awaited = new HashSet<>(awaited);
    }

    /**
     * Starts the wait: the answer goes out at once if nothing is awaited, else when the last awaited result comes or
     * {@code within} has passed.
     */
    void arm(ScheduledExecutorService timer, Duration within) {
        synchronized (this) {
            if (awaited.isEmpty()) {
                close();
                return;
            }
        }
        try {
            timer.schedule(this::close, within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            close(); // the agent is stopping: answer now, the rest goes by callback
        }
    }

    /** Completes with the results gathered when the answer goes out. */
    CompletableFuture<List<SubtaskResult>> sent() {
        return sent;
    }

    /** A result known before any work (a duplicate finished earlier); false if the answer is gone already. */
    synchronized boolean add(SubtaskResult result) {
        if (!open) {
            return false;
        }
        results.add(result);
        return true;
    }

    /**
     * Takes a finished subtask's result into the answer; false when the answer has gone out already (the caller then
     * reports it by callback). The answer goes out with the last awaited result.
     */
    synchronized boolean take(SubtaskResult result) {
        if (!open) {
            return false;
        }
        results.add(result);
        awaited.remove(result.subtaskId());
        if (awaited.isEmpty()) {
            close();
        }
        return true;
    }

    /** A subtask that will have no result (it could not be worked on): no longer waited for. */
    synchronized void forget(String subtaskId) {
        if (open && awaited.remove(subtaskId) && awaited.isEmpty()) {
            close();
        }
    }

    /** Sends the answer with what has finished so far (the wait is over); later results go by callback. */
    synchronized void close() {
        if (open) {
            open = false;
            sent.complete(List.copyOf(results));
        }
    }
}
