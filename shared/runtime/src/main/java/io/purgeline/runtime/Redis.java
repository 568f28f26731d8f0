package io.purgeline.runtime;

import redis.clients.jedis.RedisClient;

/** Opens the process's pooled Redis client (Jedis 8's {@link RedisClient}; thread-safe, pools connections). */
public final class Redis {
    private Redis() {}

    public static RedisClient connect(PurgelineConfig.RedisSettings settings) {
        return RedisClient.create(settings.host(), settings.port());
    }
}
