package io.purgeline.agent;

import io.micrometer.core.instrument.MeterRegistry;
import io.purgeline.contracts.Codec;
import io.purgeline.service.SignedPost;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.HttpClient;

/**
 * What every agent node of one process shares: one pooled HTTP client (to the cache and for results), one pool of
 * threads that work on subtasks, one timer for callback retries, the codec, the clock and the meter
 * registry. Heartbeats have a small client (on the same threads) and a timer of their own: queued behind a backlog of
 * results or of their retries, a heartbeat would arrive late and get a busy node marked offline. A deployed agent is
 * one node and sizes the pool to that node's workers; the fleet simulator runs hundreds of nodes on one set of these,
 * which keeps it at a few dozen threads instead of dozens per node.
 */
public final class AgentResources implements AutoCloseable {
    private final HttpClient client;
    private final HttpClient heartbeatClient;
    private final ExecutorService workers;
    private final ScheduledExecutorService timer;
    private final ScheduledExecutorService heartbeatTimer;
    private final Codec codec;
    private final Clock clock;
    private final MeterRegistry metrics;

    private AgentResources(HttpClient client, HttpClient heartbeatClient, ExecutorService workers,
            ScheduledExecutorService timer, ScheduledExecutorService heartbeatTimer, Codec codec,
            Clock clock, MeterRegistry metrics) {
        this.client = client;
        this.heartbeatClient = heartbeatClient;
        this.workers = workers;
        this.timer = timer;
        this.heartbeatTimer = heartbeatTimer;
        this.codec = codec;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * @param workerThreads threads that work on subtasks, for all nodes together; each node still holds at most its
     *                      own {@link AgentSettings#workers()} of them at once
     * @param ioThreads     the most threads the HTTP client may use; its I/O is asynchronous and each completion is
     *                      short, while its default pool grows to dozens of threads under a burst of callbacks
     * @param maxConnectionsPerDestination pooled connections to one cache or callback-worker
     * @param heartbeatConnections pooled connections for heartbeats: a few for one node, more for a process that
     *                      heartbeats for many (the fleet simulator), where each node would have a connection of its own
     */
    public static AgentResources start(String name, int workerThreads, int ioThreads,
            int maxConnectionsPerDestination, int heartbeatConnections, MeterRegistry metrics) throws Exception {
        if (workerThreads < 1) {
            throw new IllegalArgumentException("an agent needs at least 1 worker thread, got " + workerThreads);
        }
        if (ioThreads < 4) {
            throw new IllegalArgumentException("the HTTP client needs at least 4 threads (its selector among them),"
                    + " got " + ioThreads);
        }
        HttpClient client = SignedPost.startClient(name, maxConnectionsPerDestination, ioThreads);
        HttpClient heartbeatClient = SignedPost.startClient(name + "-heartbeats", heartbeatConnections,
                client.getExecutor());
        AtomicInteger n = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(workerThreads,
                r -> new Thread(r, name + "-worker-" + n.incrementAndGet()));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, name + "-timer"));
        ScheduledExecutorService heartbeatTimer = Executors.newSingleThreadScheduledExecutor(
                r -> new Thread(r, name + "-heartbeats"));
        return new AgentResources(client, heartbeatClient, workers, timer, heartbeatTimer, Codec.standard(),
                Clock.systemUTC(), metrics);
    }

    public HttpClient client() {
        return client;
    }

    public HttpClient heartbeatClient() {
        return heartbeatClient;
    }

    public ExecutorService workers() {
        return workers;
    }

    public ScheduledExecutorService timer() {
        return timer;
    }

    public ScheduledExecutorService heartbeatTimer() {
        return heartbeatTimer;
    }

    public Codec codec() {
        return codec;
    }

    public Clock clock() {
        return clock;
    }

    public MeterRegistry metrics() {
        return metrics;
    }

    /** Closed after every node built on it: the nodes have drained their work and delivered their results by then. */
    @Override
    public void close() throws Exception {
        workers.shutdown();
        if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
            workers.shutdownNow();
        }
        timer.shutdownNow();
        heartbeatTimer.shutdownNow();
        heartbeatClient.stop();
        client.stop();
    }
}
