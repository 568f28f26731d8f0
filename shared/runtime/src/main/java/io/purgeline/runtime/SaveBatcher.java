package io.purgeline.runtime;

import io.purgeline.contracts.SubtaskOutcome;
import io.purgeline.contracts.SubtaskOutcomes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Group commit of results (callback-worker's callbacks, dispatch-worker's answers that carry results): those arriving
 * while a publish is waiting for its confirm are gathered, each task's outcomes merged into one save, the saves of a
 * partition into one message ({@link SaveMessages}), and published together with one confirm wait; their in-flight
 * timers are removed in one Redis pipeline. No delay is added when idle — a lone callback is published at once — and under load a batch
 * grows to what arrived during the previous confirm (~7 ms here). One confirmed publish per callback capped the
 * callback path at a few hundred results a second, and late results were then sent again by the in-flight sweeper.
 */
public final class SaveBatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SaveBatcher.class);
    /** Results per batch at most: bounds a batch's size on the wire and its loss on a failed confirm. */
    static final int MAX_RESULTS = 2_000;
    /**
     * Item results (one per URL) per batch at most, a few MiB of JSON: the saver decodes a save whole, and 2,000
     * results of 100-URL tasks merged into one task's save (200,000 items) ran its 160 MiB heap out of memory.
     */
    static final int MAX_ITEMS = 20_000;

    private final Publisher publisher;
    private final Topology topology;
    private final InflightDeliveries inflight;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread flusher;
    private volatile boolean running = true;

    /**
     * @param size  results
     * @param items item results, a result without items counting as one
     */
    private record Pending(List<SubtaskOutcomes> outcomes, CompletableFuture<Void> saved, int size, int items) {
        Pending(List<SubtaskOutcomes> outcomes, CompletableFuture<Void> saved) {
            this(outcomes, saved, outcomes.stream().mapToInt(o -> o.outcomes().size()).sum(),
                    outcomes.stream().flatMap(o -> o.outcomes().stream())
                            .mapToInt(o -> o.items() == null ? 1 : Math.max(1, o.items().count())).sum());
        }
    }

    public SaveBatcher(Publisher publisher, Topology topology, InflightDeliveries inflight) {
        this.publisher = publisher;
        this.topology = topology;
        this.inflight = inflight;
        this.flusher = new Thread(this::flushLoop, "callback-saves");
    }

    public static SaveBatcher start(Publisher publisher, Topology topology, InflightDeliveries inflight) {
        SaveBatcher b = new SaveBatcher(publisher, topology, inflight);
        b.begin();
        return b;
    }

    /** Starts publishing; what was handed in before goes out as the first batch. */
    public void begin() {
        flusher.start();
    }

    /** Completes once the outcomes are confirmed by the broker; exceptionally with {@link BrokerException} if not. */
    public CompletableFuture<Void> save(List<SubtaskOutcomes> outcomes) {
        CompletableFuture<Void> saved = new CompletableFuture<>();
        if (!running) {
            saved.completeExceptionally(new BrokerException("callback-worker is stopping", null));
            return saved;
        }
        queue.add(new Pending(outcomes, saved));
        return saved;
    }

    private void flushLoop() {
        while (running || !queue.isEmpty()) {
            List<Pending> batch = new ArrayList<>();
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                int results = first.size();
                int items = first.items();
                Pending next;
                // Only this thread takes from the queue: what it peeks at is what it polls.
                while ((next = queue.peek()) != null && results + next.size() <= MAX_RESULTS
                        && items + next.items() <= MAX_ITEMS) {
                    batch.add(queue.poll());
                    results += next.size();
                    items += next.items();
                }
                flush(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void flush(List<Pending> batch) {
        Map<String, List<SubtaskOutcome>> byTask = new LinkedHashMap<>();
        for (Pending p : batch) {
            for (SubtaskOutcomes o : p.outcomes()) {
                byTask.computeIfAbsent(o.taskId(), t -> new ArrayList<>()).addAll(o.outcomes());
            }
        }
        List<SubtaskOutcomes> saves = new ArrayList<>();
        byTask.forEach((task, outcomes) -> saves.add(new SubtaskOutcomes(task, outcomes)));
        try {
            publisher.publish(SaveMessages.of(topology, List.of(), saves));
        } catch (RuntimeException e) {
            batch.forEach(p -> p.saved().completeExceptionally(e));
            return;
        }
        settle(byTask);
        batch.forEach(p -> p.saved().complete(null));
    }

    /** A timer left behind only costs a redundant delivery later, which the agent and the saver shrug off. */
    private void settle(Map<String, List<SubtaskOutcome>> byTask) {
        List<String> ids = byTask.values().stream().flatMap(List::stream).map(SubtaskOutcome::subtaskId).toList();
        try {
            inflight.settle(ids);
        } catch (JedisException e) {
            log.warn("{} results saved, but their in-flight timers were not removed (Redis: {}); the sweeper will send"
                    + " those subtasks once more", ids.size(), e.getMessage());
        }
    }

    /** Publishes what was handed in before closing, then stops. Close after HTTP stopped taking callbacks. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        flusher.join(30_000);
    }
}
