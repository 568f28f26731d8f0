package io.purgeline.ingest;

import io.purgeline.runtime.RedisKeys;
import java.time.Duration;
import java.util.OptionalInt;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.SetParams;

/**
 * The Redis markers of accepted tasks ({@link RedisKeys#accepted}, value = total). A marker is set only after intake
 * has published everything for the task, so its presence means "resubmission is a duplicate", and it answers status
 * requests before the saver has written the task's row.
 */
public final class AcceptedMarkers {
    /**
     * Upstream retries a submission within minutes, hours at worst; a week covers that with a wide margin and lets
     * Redis forget old tasks (their rows stay in MariaDB).
     */
    public static final Duration TTL = Duration.ofDays(7);

    private final RedisClient redis;
    private final RedisKeys keys;

    public AcceptedMarkers(RedisClient redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    public boolean isAccepted(String taskId) {
        return redis.exists(keys.accepted(taskId));
    }

    public void markAccepted(String taskId, int total) {
        redis.set(keys.accepted(taskId), Integer.toString(total), SetParams.setParams().ex(TTL.toSeconds()));
    }

    /** The total recorded at acceptance, if the task was accepted (and the marker has not expired). */
    public OptionalInt total(String taskId) {
        String v = redis.get(keys.accepted(taskId));
        if (v == null) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(v));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("accepted marker of task " + taskId + " holds '" + v
                    + "', not a number; only ingest writes it", e);
        }
    }
}
