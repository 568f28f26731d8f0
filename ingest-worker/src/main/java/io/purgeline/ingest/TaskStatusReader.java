package io.purgeline.ingest;

import io.purgeline.contracts.TaskStatus;
import io.purgeline.runtime.RedisKeys;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.jdbi.v3.core.Jdbi;
import redis.clients.jedis.RedisClient;

/**
 * Answers "where is my task": the saver's rows for the task and its nodes, with the live counters from Redis laid
 * over them (Redis is ahead of the batched row writes). Between acceptance and the saver's first write there is no
 * row yet; the accepted marker answers then.
 */
public final class TaskStatusReader {
    private final Jdbi jdbi;
    private final RedisClient redis;
    private final RedisKeys keys;
    private final AcceptedMarkers markers;

    public TaskStatusReader(Jdbi jdbi, RedisClient redis, RedisKeys keys, AcceptedMarkers markers) {
        this.jdbi = jdbi;
        this.redis = redis;
        this.keys = keys;
        this.markers = markers;
    }

    /** Empty when the task is unknown (never accepted, or so old that its marker expired and it has no row). */
    public Optional<TaskStatus> read(String taskId) {
        Optional<TaskStatus> base = jdbi.withExtension(TaskRows.class, rows -> rows.task(taskId)
                .map(t -> withNodes(t, rows.subtasks(taskId))));
        if (base.isEmpty()) {
            OptionalInt total = markers.total(taskId);
            if (total.isEmpty()) {
                return Optional.empty();
            }
            base = Optional.of(new TaskStatus(taskId, null, null, "accepted", total.getAsInt(), 0, 0, 0, null, null,
                    null, null, List.of()));
        }
        return Optional.of(overlay(base.get(), redis.hgetAll(keys.task(taskId))));
    }

    private static TaskStatus withNodes(TaskStatus t, List<TaskStatus.NodeStatus> nodes) {
        return new TaskStatus(t.taskId(), t.apiId(), t.type(), t.state(), t.total(), t.done(), t.failed(),
                t.expired(), t.targets(), t.acceptedAt(), t.deadlineAt(), t.finishedAt(), nodes);
    }

    /** Fields of the live hash replace the stored ones; fields it lacks keep their stored values. */
    private static TaskStatus overlay(TaskStatus t, Map<String, String> live) {
        if (live.isEmpty()) {
            return t;
        }
        return new TaskStatus(t.taskId(), t.apiId(), t.type(), live.getOrDefault("state", t.state()),
                count(live, "total", t.total()), count(live, "done", t.done()), count(live, "failed", t.failed()),
                count(live, "expired", t.expired()), t.targets(), t.acceptedAt(), t.deadlineAt(), t.finishedAt(),
                t.nodes());
    }

    private static int count(Map<String, String> live, String field, int stored) {
        String v = live.get(field);
        if (v == null) {
            return stored;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("live counter " + field + " holds '" + v + "', not a number", e);
        }
    }
}
