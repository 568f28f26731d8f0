package io.purgeline.runtime;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;

/**
 * A worker instance's own heartbeat in Redis (DESIGN.md: "heartbeats: modules and nodes"): the field
 * {@code <module>/<instance>} of {@link RedisKeys#moduleHeartbeats()} holds the epoch millis of its last beat. The
 * node watchdog reads callback-worker's, to tell a silent fleet from a silent heartbeat receiver; alert-worker reads
 * them all, to alert when a worker type has no live instance, and shows them on its status page.
 */
public final class ModuleHeartbeat implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ModuleHeartbeat.class);

    public static final Duration PERIOD = Duration.ofSeconds(1);
    /** An instance is alive while its last beat is younger than this: three beats missed means it is not. */
    public static final Duration ALIVE_WITHIN = PERIOD.multipliedBy(3);

    private final RedisClient redis;
    private final RedisKeys keys;
    private final String field;
    private final ScheduledExecutorService timer;

    private ModuleHeartbeat(RedisClient redis, RedisKeys keys, String field, ScheduledExecutorService timer) {
        this.redis = redis;
        this.keys = keys;
        this.field = field;
        this.timer = timer;
    }

    public static ModuleHeartbeat start(RedisClient redis, RedisKeys keys, String module, String instance) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, module + "-heartbeat");
            t.setDaemon(true);
            return t;
        });
        ModuleHeartbeat beat = new ModuleHeartbeat(redis, keys, module + "/" + instance, timer);
        timer.scheduleAtFixedRate(beat::beat, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        return beat;
    }

    private void beat() {
        try {
            redis.hset(keys.moduleHeartbeats(), field, Long.toString(System.currentTimeMillis()));
        } catch (RuntimeException e) {
            log.warn("module heartbeat {} not recorded: {}", field, e.toString());
        }
    }

    /** This process as an instance name an operator can find: {@code host:pid}. */
    public static String thisInstance() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "unknown-host";
        }
        return host + ":" + ProcessHandle.current().pid();
    }

    /** One instance's last beat. */
    public record Beat(String module, String instance, long atMillis) {}

    /** The last beat of every instance that has not stopped gracefully (crashed ones stay until removed). */
    public static java.util.List<Beat> all(RedisClient redis, RedisKeys keys) {
        java.util.List<Beat> out = new java.util.ArrayList<>();
        redis.hgetAll(keys.moduleHeartbeats()).forEach((field, millis) -> {
            int sep = field.indexOf('/');
            if (sep > 0) {
                out.add(new Beat(field.substring(0, sep), field.substring(sep + 1), Long.parseLong(millis)));
            }
        });
        return out;
    }

    /** The newest beat of any instance of {@code module}, if any instance ever beat. */
    public static OptionalLong newest(RedisClient redis, RedisKeys keys, String module) {
        return redis.hgetAll(keys.moduleHeartbeats()).entrySet().stream()
                .filter(e -> e.getKey().startsWith(module + "/"))
                .map(Map.Entry::getValue)
                .mapToLong(Long::parseLong)
                .max();
    }

    /** Stops beating and removes the beat, so that readers know at once that this instance is gone. */
    @Override
    public void close() throws InterruptedException {
        timer.shutdown();
        timer.awaitTermination(5, TimeUnit.SECONDS);
        try {
            redis.hdel(keys.moduleHeartbeats(), field);
        } catch (RuntimeException e) {
            log.warn("module heartbeat {} not removed, it ages out: {}", field, e.toString());
        }
    }
}
