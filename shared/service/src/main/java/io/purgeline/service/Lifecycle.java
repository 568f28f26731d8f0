package io.purgeline.service;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import sun.misc.Signal;
import sun.misc.SignalHandler;
import org.slf4j.LoggerFactory;

/**
 * Owns a worker's resources and closes them in reverse order of acquisition. Workers acquire back to front
 * (database, broker, consumers, HTTP intake last), so closing stops intake first, then lets consumers finish and ack,
 * then flushes and closes connections.
 */
public final class Lifecycle implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);

    private final String name;
    private final Deque<Owned> owned = new ArrayDeque<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    public Lifecycle(String name) {
        this.name = name;
    }

    /** Takes ownership of a resource; returns it for fluent wiring. */
    public synchronized <T extends AutoCloseable> T own(String what, T resource) {
        owned.push(new Owned(what, resource));
        return resource;
    }

    @Override
    public void close() {
        Owned next;
        while ((next = pop()) != null) {
            try {
                next.resource().close();
                log.debug("{}: closed {}", name, next.what());
            } catch (Exception e) {
                log.warn("{}: closing {} failed", name, next.what(), e);
            }
        }
        closed.countDown();
    }

    private synchronized Owned pop() {
        return owned.poll();
    }

    /**
     * Closes on SIGTERM/SIGINT. If closing takes longer than {@code grace}, or a second signal comes, the process
     * halts: acked work is already durable, and anything unacked is redelivered by the broker to another instance.
     */
    public void closeOnShutdown(Duration grace) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("{}: stopping", name);
            haltOnSecondSignal();
            Thread closer = new Thread(this::close, name + "-closer");
            closer.start();
            try {
                if (!closed.await(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    log.warn("{}: graceful stop took longer than {}, halting", name, grace);
                    Runtime.getRuntime().halt(1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            log.info("{}: stopped", name);
        }, name + "-shutdown"));
    }

    private void haltOnSecondSignal() {
        SignalHandler halt = signal -> {
            log.warn("{}: second SIG{} while stopping, exiting now", name, signal.getName());
            Runtime.getRuntime().halt(130);
        };
        for (String signal : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(signal), halt);
        }
    }

    public void awaitClosed() throws InterruptedException {
        closed.await();
    }

    private record Owned(String what, AutoCloseable resource) {}
}
