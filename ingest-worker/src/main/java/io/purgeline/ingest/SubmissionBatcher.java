package io.purgeline.ingest;

import io.purgeline.contracts.TaskSubmission;
import io.purgeline.service.HttpError;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Group commit of HTTP submissions: those that arrive while batches are being accepted are accepted together next, in
 * one {@link TaskIntake#acceptAll} (one confirmed publish, one Redis round trip), by one of a few acceptors. A lone
 * submission goes at once.
 * Each request thread publishing on its own queued sixty-four threads on the one broker connection's socket lock and
 * capped HTTP intake near a hundred tasks a second.
 */
final class SubmissionBatcher implements AutoCloseable {
    /** Submissions accepted together at most, as on the AMQP intake. */
    static final int MAX_BATCH = AmqpSubmissions.BATCH;
    /**
     * Batches accepted at once. A batch spends most of its time waiting for its confirm, so a few acceptors keep the
     * broker busy while one waits, as the AMQP intake's consumers do.
     */
    static final int ACCEPTORS = 4;

    private record Pending(TaskSubmission submission, CompletableFuture<TaskIntake.Result> result) {}

    private final TaskIntake intake;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> acceptors = new ArrayList<>();
    private volatile boolean running = true;

    private SubmissionBatcher(TaskIntake intake) {
        this.intake = intake;
        for (int i = 0; i < ACCEPTORS; i++) {
            acceptors.add(new Thread(this::acceptLoop, "http-submissions-" + i));
        }
    }

    static SubmissionBatcher start(TaskIntake intake) {
        SubmissionBatcher b = new SubmissionBatcher(intake);
        b.acceptors.forEach(Thread::start);
        return b;
    }

    /**
     * Completes with intake's decision, or exceptionally with what made the whole batch fail (broker, Redis or
     * database): then nothing of it was accepted.
     */
    CompletableFuture<TaskIntake.Result> submit(TaskSubmission submission) {
        CompletableFuture<TaskIntake.Result> result = new CompletableFuture<>();
        if (!running) {
            result.completeExceptionally(new HttpError(503, "unavailable",
                    "ingest-worker is stopping; nothing was accepted, submit it again"));
            return result;
        }
        queue.add(new Pending(submission, result));
        return result;
    }

    private void acceptLoop() {
        while (running || !queue.isEmpty()) {
            List<Pending> batch = new ArrayList<>();
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            accept(batch);
        }
    }

    private void accept(List<Pending> batch) {
        List<TaskIntake.Result> results;
        try {
            results = intake.acceptAll(IntakeCounters.Source.HTTP, batch.stream().map(Pending::submission).toList());
        } catch (RuntimeException e) {
            batch.forEach(p -> p.result().completeExceptionally(e));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(results.get(i));
        }
    }

    /** Accepts what was handed in before closing, then stops. Close after HTTP stopped taking submissions. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        long deadline = System.currentTimeMillis() + 30_000;
        for (Thread t : acceptors) {
            t.join(Math.max(1, deadline - System.currentTimeMillis()));
        }
    }
}
