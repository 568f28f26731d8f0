package io.purgeline.agent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.purgeline.contracts.AgentBatch;
import io.purgeline.contracts.AgentSubtask;
import io.purgeline.contracts.Encoded;
import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.Items;
import io.purgeline.contracts.SubtaskResult;
import io.purgeline.contracts.SubtaskState;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Works off one node's accepted subtasks, at most {@code workers} at a time, on threads it may share with other nodes,
 * with a bounded backlog. A batch is admitted whole or not at all, so that a 503 tells the dispatcher plainly that
 * none of it was taken.
 *
 * <p>A redelivered dispatch may bring a subtask the node is working on or has just finished. Such a duplicate is
 * accepted but not executed again: a running one is simply not queued twice, and a finished one has its remembered
 * result sent again, because the first callback may have been lost.
 */
public final class SubtaskRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SubtaskRunner.class);
    /** A stopping agent finishes what it accepted; a full backlog of purges drains well within this. */
    private static final Duration DRAIN = Duration.ofSeconds(30);

    /**
     * What became of an offered batch: refused whole, or accepted with this many new and duplicate subtasks, naming
     * the duplicates still waiting or running here (their results are yet to come; the others were re-reported).
     */
    public record Admission(boolean accepted, int queued, int duplicates, List<String> stillRunning,
            CompletableFuture<List<SubtaskResult>> answer) {
        static final Admission REFUSED = new Admission(false, 0, 0, List.of(),
                CompletableFuture.completedFuture(List.of()));
    }

    /** A subtask to work on; its result goes into {@code answer} while that is held, else by callback. */
    private record Job(AgentSubtask subtask, URI callbackApi, HeldAnswer answer) {}

    private final String nodeId;
    private final CacheAdapter cache;
    private final ResultReporter reporter;
    private final RecentSubtasks recent;
    private final Executor threads;
    private final ScheduledExecutorService timer;
    private final int workers;
    private final ExecutionCallback executed;
    private final Semaphore capacity;
    private final Queue<Job> waiting = new ArrayDeque<>();
    private final AtomicInteger admitted = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final Counter done;
    private final Counter failed;
    private final Counter duplicates;
    private int active;
    private volatile boolean accepting = true;

    /**
     * @param threads       runs the work; may be shared with other nodes
     * @param timer         ends the wait of answers held for their results
     * @param workers       this node's subtasks worked on at once
     * @param queueCapacity subtasks that may wait for a free worker, on top of the ones being worked on
     */
    SubtaskRunner(String nodeId, CacheAdapter cache, ResultReporter reporter, RecentSubtasks recent,
            Executor threads, ScheduledExecutorService timer, int workers, int queueCapacity,
            ExecutionCallback executed, MeterRegistry metrics) {
        this.nodeId = nodeId;
        this.cache = cache;
        this.reporter = reporter;
        this.recent = recent;
        this.threads = threads;
        this.timer = timer;
        this.workers = workers;
        this.executed = executed;
        this.capacity = new Semaphore(workers + queueCapacity);
        this.done = metrics.counter("purgeline_agent_subtasks_total", "node", nodeId, "state", "done");
        this.failed = metrics.counter("purgeline_agent_subtasks_total", "node", nodeId, "state", "failed");
        this.duplicates = metrics.counter("purgeline_agent_duplicates_suppressed_total", "node", nodeId);
    }

    /**
     * Queues every new subtask of the batch, or none when the backlog has no room for all of them; answers the
     * duplicates among them (running, recently finished, or named twice in the batch) without executing them again.
     * With {@code answerWithin} above zero, the admission's answer completes once the new subtasks have finished or
     * that time has passed, with the results known by then (the duplicates' remembered ones included); those results
     * are not reported by callback. With zero it completes at once, empty, and every result goes by callback.
     */
    public synchronized Admission offer(AgentBatch batch, URI callbackApi, Duration answerWithin) {
        if (!accepting) {
            return Admission.REFUSED;
        }
        List<AgentSubtask> fresh = new ArrayList<>();
        Map<String, SubtaskResult> finished = new LinkedHashMap<>();
        Set<String> named = new HashSet<>();
        List<String> stillRunning = new ArrayList<>();
        int suppressed = 0;
        for (AgentSubtask subtask : batch.subtasks()) {
            String id = subtask.subtaskId();
            if (!named.add(id)) {
                suppressed++;
                continue;
            }
            if (recent.isRunning(id)) {
                stillRunning.add(id);
                suppressed++;
                continue;
            }
            Encoded earlier = recent.resultOf(id);
            if (earlier != null) {
                finished.put(id, reporter.decode(earlier, subtask.targets()));
                suppressed++;
            } else {
                fresh.add(subtask);
            }
        }
        if (!capacity.tryAcquire(fresh.size())) {
            return Admission.REFUSED;
        }
        admitted.addAndGet(fresh.size());
        HeldAnswer answer = answerWithin.isZero() ? null
                : new HeldAnswer(fresh.stream().map(AgentSubtask::subtaskId).toList());
        for (AgentSubtask subtask : fresh) {
            recent.started(subtask.subtaskId());
            waiting.add(new Job(subtask, callbackApi, answer));
        }
        if (suppressed > 0) {
            duplicates.increment(suppressed);
            log.info("{}: {} of the batch's {} subtask(s) already running or recently done, not executed again",
                    nodeId, suppressed, batch.subtasks().size());
        }
        for (SubtaskResult result : finished.values()) {
            if (answer == null) {
                reporter.report(callbackApi, result);
            } else {
                answer.add(result);
            }
        }
        if (answer != null) {
            answer.arm(timer, answerWithin);
        }
        startWorkers();
        return new Admission(true, fresh.size(), suppressed, stillRunning,
                answer == null ? CompletableFuture.completedFuture(List.of()) : answer.sent());
    }

    /** Hands waiting jobs to the threads while this node has workers free. Called holding the lock. */
    private void startWorkers() {
        while (active < workers && !waiting.isEmpty()) {
            Job job = waiting.poll();
            active++;
            threads.execute(() -> runThenNext(job));
        }
    }

    private void runThenNext(Job job) {
        try {
            run(job);
        } finally {
            synchronized (this) {
                active--;
                startWorkers();
                notifyAll();
            }
        }
    }

    private void run(Job job) {
        AgentSubtask subtask = job.subtask();
        running.incrementAndGet();
        MDC.put("task_id", subtask.taskId());
        MDC.put("subtask_id", subtask.subtaskId());
        try {
            Instant started = Instant.now();
            List<ItemResult> items = new ArrayList<>();
            for (String target : subtask.targets()) {
                items.addAll(cache.execute(subtask.type(), target, subtask.options()));
            }
            boolean allDone = items.stream().allMatch(i -> i.error() == null);
            (allDone ? done : failed).increment();
            if (!allDone) {
                List<ItemResult> bad = items.stream().filter(i -> i.error() != null).toList();
                log.warn("subtask {} failed on {} of {} target(s), first: {}: {}", subtask.subtaskId(), bad.size(),
                        items.size(), bad.get(0).target(), bad.get(0).error());
            }
            SubtaskResult result = new SubtaskResult(subtask.subtaskId(), subtask.taskId(), subtask.callbackToken(),
                    allDone ? SubtaskState.DONE : SubtaskState.FAILED, Items.of(items, subtask.targets()), started,
                    Instant.now());
            executed.executed(result);
            // Remembered before it is sent: a redelivery arriving from now on gets this very result.
            recent.finished(subtask.subtaskId(), reporter.encode(result));
            if (job.answer() == null || !job.answer().take(result)) {
                reporter.report(job.callbackApi(), result);
            }
        } catch (RuntimeException e) {
            recent.abandoned(subtask.subtaskId());
            if (job.answer() != null) {
                job.answer().forget(subtask.subtaskId());
            }
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

    public long duplicatesSuppressed() {
        return (long) duplicates.count();
    }

    /** Refuses new batches, then finishes the accepted ones (their results go to the reporter). */
    @Override
    public void close() throws InterruptedException {
        long deadline = System.currentTimeMillis() + DRAIN.toMillis();
        synchronized (this) {
            accepting = false;
            while (active > 0 && System.currentTimeMillis() < deadline) {
                wait(Math.max(1, deadline - System.currentTimeMillis()));
            }
            if (active > 0) {
                log.error("stopping with {} subtask(s) unfinished after {}", admitted.get(), DRAIN);
                waiting.clear();
            }
        }
    }
}
