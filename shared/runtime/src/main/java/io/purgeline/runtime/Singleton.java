package io.purgeline.runtime;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/**
 * Runs a periodic job (a sweeper, a catch-up) in exactly one process of the deployment: every tick, the process that
 * holds the job's {@link Lease} (taking it if free) runs the job; the others only try to take the lease. A crashed
 * holder's job moves to another process within the lease's TTL. The job should check {@link Lease#isHeld} before an
 * action that must not be done twice.
 */
public final class Singleton implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Singleton.class);

    private final String name;
    private final Lease lease;
    private final ScheduledExecutorService timer;

    private Singleton(String name, Lease lease, ScheduledExecutorService timer) {
        this.name = name;
        this.lease = lease;
        this.timer = timer;
    }

    /** The job; it gets the lease to make its fencing checks. */
    @FunctionalInterface
    public interface Job {
        void run(Lease lease) throws Exception;
    }

    /**
     * Starts ticking every {@code period}; the lease's TTL is three periods, so one slow tick does not lose it.
     */
    public static Singleton start(RedisClient redis, RedisKeys keys, String name, String owner, Duration period,
            Job job) {
        Lease lease = new Lease(redis, keys, name, owner, period.multipliedBy(3));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "singleton-" + name);
            t.setDaemon(true);
            return t;
        });
        Singleton s = new Singleton(name, lease, timer);
        timer.scheduleWithFixedDelay(s.tick(job), 0, period.toMillis(), TimeUnit.MILLISECONDS);
        return s;
    }

    private Runnable tick(Job job) {
        return () -> {
            try {
                if (lease.acquire()) {
                    job.run(lease);
                }
            } catch (Exception e) {
                // Redis or the job failed this time; the next tick tries again (and the lease expires if we cannot renew).
                log.warn("singleton {} tick failed: {}", name, e.toString());
            }
        };
    }

    public boolean isLeader() {
        return lease.token() >= 0;
    }

    /** Stops ticking, waits for a running tick, and releases the lease so that a successor takes over at once. */
    @Override
    public void close() throws InterruptedException {
        timer.shutdown();
        timer.awaitTermination(30, TimeUnit.SECONDS);
        try {
            lease.release();
        } catch (RuntimeException e) {
            log.warn("singleton {}: could not release its lease, it expires by itself: {}", name, e.toString());
        }
    }
}
