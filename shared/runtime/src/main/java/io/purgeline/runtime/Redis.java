package io.purgeline.runtime;

import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.RedisClient;

/** Opens the process's pooled Redis client (Jedis 8's {@link RedisClient}; thread-safe, pools connections). */
public final class Redis {
    /**
     * Connections at most. Jedis pools 8 by default; every signed HTTP request claims its token in Redis on a server
     * thread, and with the intake's acceptors beside them 200 requests in flight queued for a connection (jstack).
     * A connection costs Redis about 20 KB.
     */
    static final int POOL = 32;

    private Redis() {}

    public static RedisClient connect(PurgelineConfig.RedisSettings settings) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(POOL);
        pool.setMaxIdle(POOL);
        return RedisClient.builder().hostAndPort(settings.host(), settings.port()).poolConfig(pool).build();
    }
}
