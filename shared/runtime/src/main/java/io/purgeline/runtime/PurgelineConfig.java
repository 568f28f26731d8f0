package io.purgeline.runtime;

import io.purgeline.service.Env;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What every worker needs to reach the shared services, built once from the environment. Defaults are the local
 * services of a development machine, so a worker started with no configuration runs against them.
 *
 * @param namespace prefix of every exchange, queue and Redis key, and the default database name: isolates
 *                  deployments and test runs that share one broker, Redis and database server
 * @param savesPartitions number of {@code saves.N} queues; fixed per deployment (changing it remaps task ids)
 * @param retryDelays backoff before dispatch attempt 2, 3, …; the last delay repeats
 * @param maxAttempts dispatch attempts per node before the node's subtask is recorded as failed
 */
public record PurgelineConfig(
        String namespace,
        Amqp amqp,
        RedisSettings redis,
        Db db,
        int savesPartitions,
        List<Duration> retryDelays,
        int maxAttempts,
        int compressAbove) {

    private static final Pattern NAMESPACE = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

    public PurgelineConfig {
        if (!NAMESPACE.matcher(namespace).matches()) {
            throw new IllegalArgumentException("PURGELINE_NAMESPACE must match " + NAMESPACE + ", got '" + namespace + "'");
        }
        if (savesPartitions < 1) {
            throw new IllegalArgumentException("PURGELINE_SAVES_PARTITIONS must be at least 1");
        }
        if (retryDelays.isEmpty()) {
            throw new IllegalArgumentException("PURGELINE_RETRY_DELAYS_MS needs at least one delay");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("PURGELINE_DISPATCH_MAX_ATTEMPTS must be at least 1");
        }
        retryDelays = List.copyOf(retryDelays);
    }

    public record Amqp(String host, int port, String user, String password, String vhost) {}

    public record RedisSettings(String host, int port) {}

    public record Db(String host, int port, String user, String password, String database) {
        public String jdbcUrl() {
            return "jdbc:mariadb://" + host + ":" + port + "/" + database;
        }
    }

    public static PurgelineConfig from(Env env) {
        String ns = env.str("PURGELINE_NAMESPACE", "purgeline");
        return new PurgelineConfig(
                ns,
                new Amqp(
                        env.str("PURGELINE_AMQP_HOST", "127.0.0.1"),
                        env.integer("PURGELINE_AMQP_PORT", 5672),
                        env.str("PURGELINE_AMQP_USER", "guest"),
                        env.str("PURGELINE_AMQP_PASSWORD", "guest"),
                        env.str("PURGELINE_AMQP_VHOST", "/")),
                new RedisSettings(
                        env.str("PURGELINE_REDIS_HOST", "127.0.0.1"),
                        env.integer("PURGELINE_REDIS_PORT", 6379)),
                new Db(
                        env.str("PURGELINE_DB_HOST", "127.0.0.1"),
                        env.integer("PURGELINE_DB_PORT", 3306),
                        env.str("PURGELINE_DB_USER", "root"),
                        env.str("PURGELINE_DB_PASSWORD", ""),
                        env.str("PURGELINE_DB_NAME", ns.replace('-', '_'))),
                env.integer("PURGELINE_SAVES_PARTITIONS", 4),
                env.millisList("PURGELINE_RETRY_DELAYS_MS",
                        List.of(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30))),
                env.integer("PURGELINE_DISPATCH_MAX_ATTEMPTS", 4),
                env.integer("PURGELINE_COMPRESS_ABOVE_BYTES", io.purgeline.contracts.Codec.DEFAULT_COMPRESS_ABOVE));
    }

    public io.purgeline.contracts.Codec codec() {
        return new io.purgeline.contracts.Codec(compressAbove);
    }

    /** Backoff before attempt {@code nextAttempt} (2 for the first retry); the last configured delay repeats. */
    public Duration retryDelayBefore(int nextAttempt) {
        return retryDelays.get(Math.min(Math.max(nextAttempt - 2, 0), retryDelays.size() - 1));
    }
}
