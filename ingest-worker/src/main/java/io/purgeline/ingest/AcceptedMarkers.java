package io.purgeline.ingest;

import io.purgeline.runtime.RedisKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
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

    /** The ids among these that were accepted before: one round trip. */
    public Set<String> acceptedAmong(List<String> taskIds) {
        if (taskIds.isEmpty()) {
            return Set.of();
        }
        List<Response<Boolean>> answers = new ArrayList<>(taskIds.size());
        try (Pipeline p = redis.pipelined()) {
            taskIds.forEach(id -> answers.add(p.exists(keys.accepted(id))));
            p.sync();
        }
        Set<String> known = new HashSet<>();
        for (int i = 0; i < taskIds.size(); i++) {
            if (answers.get(i).get()) {
                known.add(taskIds.get(i));
            }
        }
        return known;
    }

    /** Marks every planned task accepted, with its total: one round trip. */
    public void markAccepted(List<Expansion> plans) {
        try (Pipeline p = redis.pipelined()) {
            plans.forEach(plan -> p.set(keys.accepted(plan.taskId()), Integer.toString(plan.total()),
                    SetParams.setParams().ex(TTL.toSeconds())));
            p.sync();
        }
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
