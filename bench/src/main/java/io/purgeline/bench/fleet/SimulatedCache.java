package io.purgeline.bench.fleet;

import io.purgeline.agent.CacheAdapter;
import io.purgeline.contracts.ItemResult;
import io.purgeline.contracts.TaskOptions;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A cache that is not there: every purge, ban, tag purge or prefetch takes {@code latency} and fails with probability
 * {@code failureRate}, with a reason that says it was simulated. The agent treats it exactly like a real cache.
 */
public final class SimulatedCache implements CacheAdapter {
    public static final String KIND = "simulated";
    /** What a simulated prefetch reports as fetched. */
    static final long PREFETCH_BYTES = 4096;

    private final Duration latency;
    private final double failureRate;

    public SimulatedCache(Duration latency, double failureRate) {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative, got " + latency);
        }
        if (!(failureRate >= 0 && failureRate <= 1)) {
            throw new IllegalArgumentException("failure rate must be between 0 and 1, got " + failureRate);
        }
        this.latency = latency;
        this.failureRate = failureRate;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public ItemResult refresh(String url, TaskOptions options) {
        return answer(url, 200, 0);
    }

    @Override
    public ItemResult refreshDir(String dirUrl, TaskOptions options) {
        return answer(dirUrl, 200, 0);
    }

    @Override
    public ItemResult refreshTag(String tag, TaskOptions options) {
        return answer(tag, 200, 0);
    }

    @Override
    public ItemResult prefetch(String url, TaskOptions options) {
        return answer(url, 200, PREFETCH_BYTES);
    }

    private ItemResult answer(String target, int status, long bytes) {
        long start = System.nanoTime();
        // Thread.sleep(0) still yields the processor: on a busy box each yield can cost a time slice, and a 100-URL
        // subtask of a cache that takes no time took longer than dispatch holds an answer for (most results then came
        // by callback instead of in the answer, unlike a real idle cache's).
        if (!latency.isZero()) {
            try {
                // The time a real cache takes; the worker thread is held meanwhile, as by a real cache request.
                Thread.sleep(latency.toMillis(), latency.toNanosPart() % 1_000_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new ItemResult(target, 0, 0, elapsedMs(start), "interrupted while the agent was stopping");
            }
        }
        if (failureRate > 0 && ThreadLocalRandom.current().nextDouble() < failureRate) {
            return new ItemResult(target, 503, 0, elapsedMs(start),
                    "simulated cache failure: the cache answered 503 (failure rate " + failureRate + ")");
        }
        return new ItemResult(target, status, bytes, elapsedMs(start), null);
    }

    private static long elapsedMs(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
