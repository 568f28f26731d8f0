package io.purgeline.agent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.purgeline.contracts.AgentBatch;
import io.purgeline.contracts.AgentSubtask;
import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.SubtaskResult;
import io.purgeline.contracts.SubtaskState;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Works off accepted subtasks on a fixed number of worker threads, with a bounded backlog. A batch is admitted whole
 * or not at all, so that a 503 tells the dispatcher plainly that none of it was taken.
 */
public final class SubtaskRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SubtaskRunner.class);
    /** A stopping agent finishes what it accepted; a full backlog of purges drains well within this. */
    private static final Duration DRAIN = Duration.ofSeconds(30);

    private final CacheAdapter cache;
    private final ResultReporter reporter;
    private final ExecutorService workers;
    private final Semaphore capacity;
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final Counter done;
    private final Counter failed;
    private volatile boolean accepting = true;

    private SubtaskRunner(CacheAdapter cache, ResultReporter reporter, ExecutorService workers, int capacity,
            MeterRegistry metrics) {
        this.cache = cache;
        this.reporter = reporter;
        this.workers = workers;
        this.capacity = new Semaphore(capacity);
        this.done = metrics.counter("purgeline_agent_subtasks_total", "state", "done");
        this.failed = metrics.counter("purgeline_agent_subtasks_total", "state", "failed");
    }

    /** @param queueCapacity subtasks that may wait for a free worker, on top of the ones being worked on */
    public static SubtaskRunner start(CacheAdapter cache, ResultReporter reporter, int workers, int queueCapacity,
            MeterRegistry metrics) {
        AtomicInteger n = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            return new Thread(r, "agent-worker-" + n.incrementAndGet());
        });
        return new SubtaskRunner(cache, reporter, pool, workers + queueCapacity, metrics);
    }

    /** Queues every subtask of the batch, or none when the backlog has no room for all of them. */
    public synchronized boolean offer(AgentBatch batch, URI callbackApi) {
        int n = batch.subtasks().size();
        if (!accepting || !capacity.tryAcquire(n)) {
            return false;
        }
        admitted.addAndGet(n);
        for (AgentSubtask subtask : batch.subtasks()) {
            workers.execute(() -> run(subtask, callbackApi));
        }
        return true;
    }

    private void run(AgentSubtask subtask, URI callbackApi) {
        running.incrementAndGet();
        MDC.put("task_id", subtask.taskId());
        MDC.put("subtask_id", subtask.subtaskId());
        try {
            Instant started = Instant.now();
            List<ItemResult> items = new ArrayList<>();
            for (String target : subtask.targets()) {
                items.add(cache.apply(subtask.type(), target, subtask.options()));
            }
            boolean allDone = items.stream().allMatch(i -> i.error() == null);
            (allDone ? done : failed).increment();
            if (!allDone) {
                List<ItemResult> bad = items.stream().filter(i -> i.error() != null).toList();
                log.warn("subtask {} failed on {} of {} target(s), first: {}: {}", subtask.subtaskId(), bad.size(),
                        items.size(), bad.get(0).target(), bad.get(0).error());
            }
            reporter.report(callbackApi, new SubtaskResult(subtask.subtaskId(), subtask.taskId(),
                    subtask.callbackToken(), allDone ? SubtaskState.DONE : SubtaskState.FAILED, items, started,
                    Instant.now()));
        } catch (RuntimeException e) {
            log.error("subtask {} could not be worked on", subtask.subtaskId(), e);
        } finally {
            MDC.remove("task_id");
            MDC.remove("subtask_id");
            running.decrementAndGet();
            admitted.decrementAndGet();
            capacity.release();
        }
    }

    public int queued() {
        return Math.max(0, admitted.get() - running.get());
    }

    public int running() {
        return running.get();
    }

    public boolean accepting() {
        return accepting;
    }

    /** Refuses new batches, then finishes the accepted ones (their results go to the reporter). */
    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            // Under the offer lock: no batch is half-submitted to a pool that is shutting down.
            accepting = false;
            workers.shutdown();
        }
        if (!workers.awaitTermination(DRAIN.toMillis(), TimeUnit.MILLISECONDS)) {
            log.error("stopping with {} subtask(s) unfinished after {}", admitted.get(), DRAIN);
            workers.shutdownNow();
        }
    }
}
