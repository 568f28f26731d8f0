package io.purgeline.dispatch;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.purgeline.service.Metrics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per node, the subtasks waiting to be sent to it, of every task. A node has at most one request in flight; each
 * request carries everything that waited for the node meanwhile (up to a cap), so an idle system sends a subtask at
 * once and a busy one sends many tasks' subtasks in one exchange. A node that answers slowly or not at all only
 * delays its own parcels: no lane consumer, chunk or other node waits for it.
 *
 * <p>Requests are built and sent by a few sender threads of their own, never by the lane consumer that hands parcels
 * in: when the consumers sent, a busy dispatcher's consumers were its bottleneck, each node's outbox was empty again
 * before the next task's parcel for it came, and a thousand-node load went out at 1.0 subtask per exchange. Handing
 * in now costs a queue insertion; a node's parcels gather while the senders are busy, and a request takes all of
 * them when a sender gets to it.
 *
 * <p>Parcels handed in are already recorded in flight, so one lost here (a crash) is sent again by the in-flight
 * sweeper. The room for parcels queued or on their way is bounded: a lane consumer handing in more waits, which is
 * the backpressure that keeps the broker holding the backlog rather than this heap.
 */
final class NodeOutboxes implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(NodeOutboxes.class);

    /** Subtasks per request at most: bounds the agent's body (and its all-or-nothing admission of a batch). */
    static final int MAX_SUBTASKS_PER_REQUEST = 100;
    /** Targets (URLs, dirs, tags) per request at most, whatever the subtasks: a body of a few hundred KiB. */
    static final int MAX_TARGETS_PER_REQUEST = 2_000;
    /** Threads building and sending requests: the work is processor-bound (encoding, signing, writing). */
    static final int SENDERS = 2;

    private final AgentClient agents;
    private final BiConsumer<List<Parcel>, List<Delivery>> answered;
    private final int capacity;
    private final Semaphore room;
    private final Map<String, Outbox> outboxes = new ConcurrentHashMap<>();
    private final Timer exchanges;
    private final ExecutorService senders = Executors.newFixedThreadPool(SENDERS, r -> {
        Thread t = new Thread(r, "dispatch-sender");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param answered what follows a node's answer (or its absence), with the parcels sent and one delivery each; runs
     *                 on the HTTP client's threads, so it must hand blocking work elsewhere
     * @param capacity parcels queued or in flight at most
     */
    NodeOutboxes(AgentClient agents, BiConsumer<List<Parcel>, List<Delivery>> answered, int capacity,
            MeterRegistry metrics) {
        this.agents = agents;
        this.answered = answered;
        this.capacity = capacity;
        this.room = new Semaphore(capacity);
        this.exchanges = Metrics.latency(metrics, "purgeline_dispatch_exchange_seconds",
                "one request to a node's agent, from its sending to the agent's answer (or its failure)");
    }

    /** Queues each parcel for its node; waits while the outboxes are full. */
    void send(List<Parcel> parcels) throws InterruptedException {
        for (int from = 0; from < parcels.size(); from += capacity) {
            List<Parcel> slice = parcels.subList(from, Math.min(parcels.size(), from + capacity));
            room.acquire(slice.size());
            queue(slice);
        }
    }

    private void queue(List<Parcel> parcels) {
        Map<String, List<Parcel>> byNode = new LinkedHashMap<>();
        for (Parcel p : parcels) {
            byNode.computeIfAbsent(p.destination(), d -> new ArrayList<>()).add(p);
        }
        byNode.forEach((destination, mine) -> outboxes.computeIfAbsent(destination, Outbox::new).add(mine));
    }

    /** Parcels queued or on their way now. */
    int pending() {
        return capacity - room.availablePermits();
    }

    private final class Outbox {
        private final String destination;
        private final ArrayDeque<Parcel> waiting = new ArrayDeque<>();
        private boolean sending;

        Outbox(String destination) {
            this.destination = destination;
        }

        synchronized void add(List<Parcel> parcels) {
            waiting.addAll(parcels);
            if (!sending) {
                sending = true;
                schedule();
            }
        }

        /** Called holding the lock, with {@code sending} set: a sender takes what waits when it gets to it. */
        private void schedule() {
            try {
                senders.execute(this::sendNext);
            } catch (RejectedExecutionException e) { // closed: the in-flight timers send these again
                log.warn("stopping: {} parcel(s) for {} left to the in-flight sweeper", waiting.size(), destination);
                room.release(waiting.size());
                waiting.clear();
                sending = false;
                outboxes.remove(destination, this);
            }
        }

        private synchronized List<Parcel> take() {
            List<Parcel> batch = new ArrayList<>();
            int targets = 0;
            while (!waiting.isEmpty() && batch.size() < MAX_SUBTASKS_PER_REQUEST
                    && (batch.isEmpty() || targets + waiting.peek().targets() <= MAX_TARGETS_PER_REQUEST)) {
                Parcel p = waiting.poll();
                targets += p.targets();
                batch.add(p);
            }
            return batch;
        }

        private void sendNext() {
            List<Parcel> batch = take();
            long sentAt = System.nanoTime();
            agents.send(batch).whenComplete((deliveries, error) -> {
                exchanges.record(System.nanoTime() - sentAt, TimeUnit.NANOSECONDS);
                try {
                    if (error != null) { // AgentClient completes normally by contract; a bug must not lose parcels
                        log.error("sending {} parcel(s) failed unexpectedly; the in-flight sweeper sends them again",
                                batch.size(), error);
                    } else {
                        answered.accept(batch, deliveries);
                    }
                } catch (RuntimeException e) {
                    log.error("handling the answer to {} parcel(s) failed; the in-flight sweeper sends them again",
                            batch.size(), e);
                } finally {
                    room.release(batch.size());
                    next();
                }
            });
        }

        private synchronized void next() {
            if (waiting.isEmpty()) {
                sending = false;
                // An idle node's outbox goes, so the map holds only nodes with work. A sender that took this outbox
                // just before still has it send its parcels; a second outbox for the node meanwhile only means two
                // requests to it at once.
                outboxes.remove(destination, this);
            } else {
                schedule();
            }
        }
    }

    /** Waits (bounded) for the parcels handed in to be sent and answered; the rest is left to the in-flight timers. */
    @Override
    public void close() throws InterruptedException {
        if (room.tryAcquire(capacity, 10, TimeUnit.SECONDS)) {
            room.release(capacity);
        } else {
            log.warn("stopping with {} parcel(s) unsent or unanswered; their in-flight timers will send them again",
                    pending());
        }
        senders.shutdown();
    }
}
