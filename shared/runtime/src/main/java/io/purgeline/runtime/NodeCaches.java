package io.purgeline.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import redis.clients.jedis.RedisClient;

/**
 * Which cache kind each node's agent runs beside, as the agents report it in their heartbeats: callback-worker
 * records it, ingest reads it for {@code GET /v1/caches}. A kind is written only when this instance has not yet
 * written that kind for the node, so a steady stream of heartbeats costs Redis nothing more. Agents that report no
 * kind (older ones) are simply absent.
 */
public final class NodeCaches {
    /** What a kind may look like: the agent's PURGELINE_CACHE_KIND values are short lower-case words. */
    private static final Pattern KIND = Pattern.compile("[a-z0-9_-]{1,32}");

    private final RedisClient redis;
    private final RedisKeys keys;
    private final Map<String, String> written = new ConcurrentHashMap<>();

    public NodeCaches(RedisClient redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** Records the node's kind if it is new to this instance; a missing or malformed kind is ignored. */
    public void reported(String nodeId, String kind) {
        if (kind == null || !KIND.matcher(kind).matches() || kind.equals(written.get(nodeId))) {
            return;
        }
        redis.hset(keys.nodeCaches(), nodeId, kind);
        written.put(nodeId, kind);
    }

    /** Every node's last reported kind. */
    public Map<String, String> all() {
        return redis.hgetAll(keys.nodeCaches());
    }
}
