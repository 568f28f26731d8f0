package io.purgeline.callback;

import io.purgeline.runtime.ParkedWorkReplayer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays returned nodes' parked work off the request thread: a node back after an hour may have thousands of
 * deliveries, and its heartbeat should not wait for them. One thread, one pending replay per node however many
 * heartbeats ask. A replay that fails is left to dispatch-worker's catch-up, which finds the replaying list.
 */
final class ComebackReplays implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ComebackReplays.class);

    private final ParkedWorkReplayer replayer;
    private final ExecutorService thread;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();

    private ComebackReplays(ParkedWorkReplayer replayer, ExecutorService thread) {
        this.replayer = replayer;
        this.thread = thread;
    }

    static ComebackReplays start(ParkedWorkReplayer replayer) {
        return new ComebackReplays(replayer, Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "comeback-replays");
            t.setDaemon(true);
            return t;
        }));
    }

    void submit(String nodeId) {
        if (!pending.add(nodeId)) {
            return;
        }
        thread.execute(() -> {
            // Forgotten before the replay starts: entries appended while it runs get a replay of their own.
            pending.remove(nodeId);
            try {
                replayer.replay(nodeId);
            } catch (RuntimeException e) {
                log.warn("replay of node {}'s parked work failed; dispatch-worker's catch-up takes it over: {}",
                        nodeId, e.toString());
            }
        });
    }

    /** Finishes the replays queued so far (bounded by the worker's shutdown budget). */
    @Override
    public void close() throws InterruptedException {
        thread.shutdown();
        if (!thread.awaitTermination(20, TimeUnit.SECONDS)) {
            thread.shutdownNow();
        }
    }
}
