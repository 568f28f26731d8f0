package io.purgeline.ingest;

import io.purgeline.contracts.TaskSubmission;
import io.purgeline.service.HttpError;
import io.purgeline.service.RequestVerifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Group commit of HTTP submissions: those that arrive while batches are being accepted are accepted together next, in
 * one {@link TaskIntake#acceptAll} (one confirmed publish, one Redis round trip), by one of a few acceptors. A lone
 * submission goes at once. Their signatures' tokens are claimed together too, just before, in one more round trip (a
 * replayed request is refused then): one claim per request was a sixth of ingest-worker's processor.
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

    private record Pending(TaskSubmission submission, RequestVerifier.Verified signature,
            CompletableFuture<TaskIntake.Result> result) {}

    private final TaskIntake intake;
    private final RequestVerifier verifier;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final List<Thread> acceptors = new ArrayList<>();
    private volatile boolean running = true;

    private SubmissionBatcher(TaskIntake intake, RequestVerifier verifier) {
        this.intake = intake;
        this.verifier = verifier;
        for (int i = 0; i < ACCEPTORS; i++) {
            acceptors.add(new Thread(this::acceptLoop, "http-submissions-" + i));
        }
    }

    /** @param verifier claims the tokens of the submissions' signatures ({@link RequestVerifier#signed}) */
    static SubmissionBatcher start(TaskIntake intake, RequestVerifier verifier) {
        SubmissionBatcher b = new SubmissionBatcher(intake, verifier);
        b.acceptors.forEach(Thread::start);
        return b;
    }

    /**
     * Completes with intake's decision; exceptionally with the refusal of a replayed request (401), or with what made
     * the whole batch fail (broker, Redis or database): then nothing of it was accepted.
     *
     * @param signature the request's, its token not claimed yet
     */
    CompletableFuture<TaskIntake.Result> submit(TaskSubmission submission, RequestVerifier.Verified signature) {
        CompletableFuture<TaskIntake.Result> result = new CompletableFuture<>();
        if (!running) {
            result.completeExceptionally(new HttpError(503, "unavailable",
                    "ingest-worker is stopping; nothing was accepted, submit it again"));
            return result;
        }
        queue.add(new Pending(submission, signature, result));
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
        List<HttpError> replays;
        try {
            replays = verifier.claimAll(batch.stream().map(Pending::signature).toList());
        } catch (RuntimeException e) {
            batch.forEach(p -> p.result().completeExceptionally(e));
            return;
        }
        List<Pending> claimed = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            if (replays.get(i) == null) {
                claimed.add(batch.get(i));
            } else {
                batch.get(i).result().completeExceptionally(replays.get(i));
            }
        }
        if (claimed.isEmpty()) {
            return;
        }
        List<TaskIntake.Result> results;
        try {
            results = intake.acceptAll(IntakeCounters.Source.HTTP, claimed.stream().map(Pending::submission).toList());
        } catch (RuntimeException e) {
            claimed.forEach(p -> p.result().completeExceptionally(e));
            return;
        }
        for (int i = 0; i < claimed.size(); i++) {
            claimed.get(i).result().complete(results.get(i));
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
