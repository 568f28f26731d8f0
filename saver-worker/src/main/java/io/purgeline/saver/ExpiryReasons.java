package io.purgeline.saver;

import io.purgeline.runtime.RedisKeys;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.RedisClient;

/**
 * Explains why a node gave no result before a task's deadline, from the offline-node registry in Redis (a hash of
 * node id to "since epoch millis|reason", written by the worker that marks a node offline). An operator reading a
 * {@code task.expired} event should see at once whether a node was down, since when and why, or merely late.
 */
final class ExpiryReasons {
    static final String LATE = "no result before the task's deadline";

    private final RedisClient redis;
    private final RedisKeys keys;

    ExpiryReasons(RedisClient redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    /** The expiry reason of each of these nodes, in one round trip. */
    Map<String, String> of(List<String> nodeIds) {
        Map<String, String> reasons = new HashMap<>();
        if (nodeIds.isEmpty()) {
            return reasons;
        }
        List<String> offline = redis.hmget(keys.offlineNodes(), nodeIds.toArray(String[]::new));
        for (int i = 0; i < nodeIds.size(); i++) {
            String value = offline.get(i);
            reasons.put(nodeIds.get(i), value == null ? LATE : offlineReason(value));
        }
        return reasons;
    }

    /**
     * "node offline since &lt;RFC 3339 time&gt;: &lt;reason&gt;". Another module writes the value: one it cannot
     * parse is shown as it is rather than failing the batch of saves, which would only be redelivered forever.
     */
    static String offlineReason(String value) {
        int sep = value.indexOf('|');
        if (sep > 0) {
            try {
                Instant since = Instant.ofEpochMilli(Long.parseLong(value.substring(0, sep)));
                return "node offline since " + since + ": " + value.substring(sep + 1);
            } catch (NumberFormatException e) {
                // falls through to the raw value
            }
        }
        return "node offline: " + value;
    }
}
