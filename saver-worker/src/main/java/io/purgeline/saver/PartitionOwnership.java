package io.purgeline.saver;

import io.purgeline.runtime.Lease;
import io.purgeline.runtime.QueueConsumer;
import io.purgeline.runtime.RedisKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/**
 * Shares the saves partitions evenly between the live saver instances (DESIGN.md, "saves"). Every tick an instance
 * records itself in the saver registry, renews the lease of each partition it holds, and gives up or takes partitions
 * until it holds its share. A partition's consumer runs only under its lease: it is started after the lease is
 * acquired and stopped before the lease is released, or at once when a renewal fails. An instance that dies stops
 * renewing, so its leases expire and its registry entry ages out after {@value #TICKS_TO_LIVE} ticks, and the others
 * take its partitions. Single active consumer on the queues stays as the safety net behind the leases.
 */
final class PartitionOwnership implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PartitionOwnership.class);

    /** Ticks after which an instance that has not renewed is dead: its leases expire, its registry entry is dropped. */
    static final int TICKS_TO_LIVE = 3;
    /** How long closing waits for the consumers to finish their batches; a QueueConsumer waits up to 10 s. */
    private static final Duration STOP_BUDGET = Duration.ofSeconds(20);

    /**
     * Records the caller as alive and returns every live instance. The Redis server's clock scores all instances, so
     * clock skew between hosts cannot make one of them look dead.
     */
    private static final String REGISTER = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('ZADD', KEYS[1], now, ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
            return redis.call('ZRANGE', KEYS[1], 0, -1)
            """;

    /** Starts the consumer of one partition; its handler should check the lease before it applies a batch. */
    @FunctionalInterface
    interface ConsumerFactory {
        QueueConsumer start(int partition, Lease lease);
    }

    private final RedisClient redis;
    private final RedisKeys keys;
    private final String owner;
    private final int partitions;
    private final Duration ttl;
    private final ConsumerFactory consumers;
    /** Ticks run here, one at a time: the only thread that takes partitions or decides to give them up. */
    private final ScheduledExecutorService ticker;
    /** Stopping a consumer waits for its batch in progress; done here, so that the ticks keep renewing meanwhile. */
    private final ExecutorService stopper;
    private final Map<Integer, Claim> claims = new ConcurrentHashMap<>();
    private volatile int liveSavers;
    private volatile boolean closing;
    private volatile boolean halted;

    private PartitionOwnership(RedisClient redis, RedisKeys keys, String owner, int partitions, Duration tick,
            ConsumerFactory consumers) {
        this.redis = redis;
        this.keys = keys;
        this.owner = owner;
        this.partitions = partitions;
        this.ttl = tick.multipliedBy(TICKS_TO_LIVE);
        this.consumers = consumers;
        this.ticker = Executors.newSingleThreadScheduledExecutor(daemon("saves-partitions"));
        this.stopper = Executors.newCachedThreadPool(daemon("saves-partition-stop"));
    }

    /**
     * Starts ticking every {@code tick}.
     *
     * @param owner this instance's id in the registry and on its leases, unique per process
     * @param tick how often leases are renewed; leases and registry entries live {@value #TICKS_TO_LIVE} ticks, so
     *             a dead instance's partitions move within about that time
     */
    static PartitionOwnership start(RedisClient redis, RedisKeys keys, String owner, int partitions, Duration tick,
            ConsumerFactory consumers) {
        PartitionOwnership ownership = new PartitionOwnership(redis, keys, owner, partitions, tick, consumers);
        ownership.ticker.scheduleWithFixedDelay(ownership::tick, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
        return ownership;
    }

    private void tick() {
        try {
            renew();
            if (!closing) {
                rebalance(share(register()));
            }
        } catch (RuntimeException e) {
            // Redis is unreachable: leases that could not be renewed are stopped already; the next tick tries again.
            log.warn("saves partition tick failed: {}", e.toString());
        }
    }

    /** Renews every lease held, including those of consumers still stopping, which must not run beside a successor. */
    private void renew() {
        for (Claim claim : claims.values()) {
            boolean held;
            try {
                held = claim.lease.renew();
            } catch (RuntimeException e) {
                held = false;
            }
            if (!held && claim.consuming()) {
                log.warn("{} lost the lease of saves partition {}; stopping its consumer", owner, claim.partition);
                stop(claim, false);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private List<String> register() {
        List<String> live = new ArrayList<>((List<String>) redis.eval(REGISTER, List.of(keys.savers()),
                List.of(owner, Long.toString(ttl.toMillis()))));
        liveSavers = live.size();
        return live;
    }

    /**
     * This instance's share: partitions / live, plus one for the first (partitions % live) instances in id order.
     * The shares add up to exactly the number of partitions, so every partition has an owner once all instances see
     * the same registry (ceil(partitions / live) for everyone would let a third saver of four partitions starve
     * beside two holding two each).
     */
    private int share(List<String> live) {
        live.sort(Comparator.naturalOrder());
        int rank = live.indexOf(owner);
        return partitions / live.size() + (rank < partitions % live.size() ? 1 : 0);
    }

    private void rebalance(int share) {
        List<Claim> consuming = claims.values().stream().filter(Claim::consuming)
                .sorted(Comparator.comparingInt(c -> c.partition)).toList();
        if (consuming.size() > share) {
            consuming.subList(share, consuming.size()).forEach(claim -> {
                log.info("{} gives up saves partition {} to balance {} partitions over {} savers", owner,
                        claim.partition, partitions, liveSavers);
                stop(claim, true);
            });
            return;
        }
        int wanted = share - consuming.size();
        for (int p = 0; p < partitions && wanted > 0; p++) {
            if (!claims.containsKey(p) && take(p)) {
                wanted--;
            }
        }
    }

    /** Takes a free partition: its lease first, and only then its consumer. */
    private boolean take(int partition) {
        Lease lease = new Lease(redis, keys, "saves." + partition, owner, ttl);
        if (!lease.acquire()) {
            return false;
        }
        try {
            claims.put(partition, new Claim(partition, lease, consumers.start(partition, lease)));
        } catch (RuntimeException e) {
            lease.release();
            throw e;
        }
        log.info("{} took saves partition {}", owner, partition);
        return true;
    }

    /** Stops a consumer (waiting for its batch in progress), then releases its lease if asked to. */
    private void stop(Claim claim, boolean release) {
        claim.stopping = CompletableFuture.runAsync(() -> {
            claim.consumer.close();
            if (release) {
                claim.lease.release();
            }
        }, stopper).whenComplete((done, failed) -> {
            if (failed != null) {
                log.warn("stopping saves partition {} failed; its lease expires by itself: {}", claim.partition,
                        failed.toString());
            }
            claims.remove(claim.partition, claim);
        });
    }

    /** The partitions this instance consumes, in order. */
    List<Integer> held() {
        return claims.values().stream().filter(Claim::consuming).map(c -> c.partition).sorted().toList();
    }

    /** Live saver instances as of the last tick, this one included. */
    int liveSavers() {
        return liveSavers;
    }

    /** Whether every partition held is being consumed; holding none is fine (more savers than partitions). */
    boolean isConsuming() {
        return claims.values().stream().filter(Claim::consuming).allMatch(c -> c.consumer.isRunning());
    }

    /**
     * Gives every partition up: stops the consumers (they finish and ack their batches) while the ticks keep their
     * leases renewed, releases the leases, and leaves the registry, so that the other instances take over at once.
     */
    @Override
    public void close() throws InterruptedException {
        if (halted) {
            return;
        }
        closing = true;
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        try {
            // On the ticker, so that no tick is half-way through taking a partition.
            ticker.submit(() -> claims.values().stream().filter(Claim::consuming).forEach(c -> stop(c, true))).get();
            claims.values().forEach(c -> stopping.add(c.stopping));
            CompletableFuture.allOf(stopping.toArray(CompletableFuture[]::new))
                    .get(STOP_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("not every saves partition stopped cleanly; their leases expire by themselves: {}",
                    e.toString());
        } finally {
            shutdown();
        }
        try {
            redis.zrem(keys.savers(), owner);
        } catch (RuntimeException e) {
            log.warn("could not leave the saver registry; the entry ages out by itself: {}", e.toString());
        }
    }

    /**
     * Stops ticking and consuming as a killed process would: keeps its leases (they expire after their TTL) and its
     * registry entry (it ages out). For tests of what the other instances do when one dies.
     */
    void halt() throws InterruptedException {
        halted = true;
        closing = true;
        // Consumers first, while the ticks still renew: the leases then outlive the halt by a whole TTL, as if the
        // process had died at the moment this returns.
        claims.values().forEach(c -> c.consumer.close());
        ticker.shutdownNow();
        ticker.awaitTermination(STOP_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        claims.clear();
        stopper.shutdown();
    }

    private void shutdown() throws InterruptedException {
        ticker.shutdown();
        ticker.awaitTermination(STOP_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        stopper.shutdown();
        stopper.awaitTermination(STOP_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** A partition whose lease this instance holds, and its consumer. */
    private static final class Claim {
        final int partition;
        final Lease lease;
        final QueueConsumer consumer;
        /** Set once the consumer is being stopped; the claim is dropped when it has stopped. */
        volatile CompletableFuture<Void> stopping;

        Claim(int partition, Lease lease, QueueConsumer consumer) {
            this.partition = partition;
            this.lease = lease;
            this.consumer = consumer;
        }

        boolean consuming() {
            return stopping == null;
        }
    }
}
