package io.purgeline.runtime;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import redis.clients.jedis.RedisClient;

/**
 * Which cache kind each node's agent runs beside, as the agents report it in their heartbeats: callback-worker
 * records it, ingest reads it for {@code GET /v1/caches}. A kind is written when it changes, and again every
 * {@link #REWRITE_AFTER} in case Redis lost it, so a steady stream of heartbeats costs Redis almost nothing more.
 * Agents that report no kind (older ones) are simply absent.
 */
public final class NodeCaches {
    /** What a kind may look like: the agent's PURGELINE_CACHE_KIND values are short lower-case words. */
    private static final Pattern KIND = Pattern.compile("[a-z0-9_-]{1,32}");

    private final RedisClient redis;
    private final RedisKeys keys;
    public static final Duration REWRITE_AFTER = Duration.ofMinutes(10);

    private record Written(String kind, long atMillis) {}

    private final Map<String, Written> written = new ConcurrentHashMap<>();

    public NodeCaches(RedisClient redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** Records the node's kind if it changed or was written long ago; a missing or malformed kind is ignored. */
    public void reported(String nodeId, String kind, long nowMillis) {
        if (kind == null || !KIND.matcher(kind).matches()) {
            return;
        }
        Written last = written.get(nodeId);
        if (last != null && last.kind().equals(kind) && nowMillis - last.atMillis() < REWRITE_AFTER.toMillis()) {
            return;
        }
        redis.hset(keys.nodeCaches(), nodeId, kind);
        written.put(nodeId, new Written(kind, nowMillis));
    }

    /** Every node's last reported kind. */
    public Map<String, String> all() {
        return redis.hgetAll(keys.nodeCaches());
    }
}
