package io.purgeline.runtime;

import java.util.Collection;
import redis.clients.jedis.RedisClient;

/**
 * The ids of the registered nodes, in Redis for the workers that have no database (callback-worker refuses the
 * heartbeats of a node not in it). Ingest, the registry's only writer, adds a node after its row is committed, removes
 * it after its row is deleted, and adds every row at start-up.
 */
public final class RegisteredNodes {
    private final RedisClient redis;
    private final RedisKeys keys;

    public RegisteredNodes(RedisClient redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    public void add(String nodeId) {
        redis.sadd(keys.registeredNodes(), nodeId);
    }

    public void addAll(Collection<String> nodeIds) {
        if (!nodeIds.isEmpty()) {
            redis.sadd(keys.registeredNodes(), nodeIds.toArray(String[]::new));
        }
    }

    public void remove(String nodeId) {
        redis.srem(keys.registeredNodes(), nodeId);
    }

    public boolean contains(String nodeId) {
        return redis.sismember(keys.registeredNodes(), nodeId);
    }
}
