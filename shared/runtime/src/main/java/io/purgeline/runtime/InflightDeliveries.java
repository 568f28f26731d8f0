package io.purgeline.runtime;

import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.DispatchMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.resps.Tuple;

/**
 * Deliveries sent to an agent and awaiting its result: a sorted set of subtask ids scored by when the result is due,
 * beside a hash of the delivery to send again if it does not come (DESIGN.md, timers). Dispatch records, callback
 * settles, the in-flight sweeper takes what is due. Writes are pipelined: one round trip per batch of lane messages or per callback.
 */
public final class InflightDeliveries {
    private static final Duration BODY_AFTER_DEADLINE = Duration.ofHours(1);
    private static final Duration BODY_WITHOUT_DEADLINE = Duration.ofDays(1);

    // KEYS: in-flight zset, deliveries hash. ARGV: subtask id, the due time the caller read.
    private static final String REMOVE_IF_UNCHANGED = """
            local due = redis.call('ZSCORE', KEYS[1], ARGV[1])
            if due and tonumber(due) == tonumber(ARGV[2]) then
              redis.call('ZREM', KEYS[1], ARGV[1])
              redis.call('HDEL', KEYS[2], ARGV[1])
              return 1
            end
            return 0
            """;

    // KEYS: in-flight zset, deliveries hash. ARGV: subtask id, the delivery to store.
    private static final String REPLACE_IF_PENDING = """
            if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
              redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
              return 1
            end
            return 0
            """;

    private final RedisClient redis;
    private final RedisKeys keys;
    private final Codec codec;

    public InflightDeliveries(RedisClient redis, RedisKeys keys, Codec codec) {
        this.redis = redis;
        this.keys = keys;
        this.codec = codec;
    }

    /** One in-flight delivery: its subtask, when its result is due, and the stored delivery (null if missing). */
    public record Due(String subtaskId, long dueMillis, String delivery) {}

    /** Assignments of one message to record as awaiting their results by {@code dueMillis}. */
    public record Sent(DispatchMessage message, List<Assignment> assignments, long dueMillis) {}

    /**
     * Records assignments of one message as awaiting results by {@code dueMillis}: per subtask a timer and the
     * assignment, and the task's body once, kept until an hour past the task's deadline (a day without one) — past the
     * deadline a re-send only ends in the subtask recorded expired. One round trip.
     */
    public void record(DispatchMessage message, List<Assignment> assignments, long dueMillis) {
        record(List.of(new Sent(message, assignments, dueMillis)));
    }

    /** Records the assignments of several messages as {@link #record(DispatchMessage, List, long)} does, in one round trip. */
    public void record(List<Sent> sent) {
        if (sent.stream().allMatch(s -> s.assignments().isEmpty())) {
            return;
        }
        try (Pipeline p = redis.pipelined()) {
            for (Sent s : sent) {
                if (s.assignments().isEmpty()) {
                    continue;
                }
                DispatchMessage message = s.message();
                SetParams keep = message.deadlineAt() == null
                        ? SetParams.setParams().px(BODY_WITHOUT_DEADLINE.toMillis())
                        : SetParams.setParams().pxAt(message.deadlineAt().plus(BODY_AFTER_DEADLINE).toEpochMilli());
                p.set(keys.inflightBody(message.taskId()), codec.toJson(StoredDeliveries.bodyOf(message)), keep);
                // One timer and one stored delivery per subtask, in one ZADD and one HSET per message. The stored
                // deliveries differ only in their assignment: the rest (task, lane, priority, deadline) is written
                // once, its assignments' array left open, and each assignment's JSON put into it. Written whole per
                // subtask, this was half of recording.
                String shared = codec.toJson(StoredDeliveries.assignmentOnly(message, List.of()));
                String open = shared.substring(0, shared.length() - "]}".length());
                Map<String, Double> timers = new HashMap<>();
                Map<String, String> deliveries = new HashMap<>();
                for (Assignment a : s.assignments()) {
                    timers.put(a.subtaskId(), (double) s.dueMillis());
                    deliveries.put(a.subtaskId(), open + codec.toJson(a) + "]}");
                }
                p.zadd(keys.inflight(), timers);
                p.hset(keys.inflightDeliveries(), deliveries);
            }
            p.sync();
        }
    }

    /** The stored bodies of these tasks, by task id; a task whose body is gone is absent. One round trip. */
    public Map<String, String> bodies(Collection<String> taskIds) {
        if (taskIds.isEmpty()) {
            return Map.of();
        }
        List<String> ids = List.copyOf(taskIds);
        List<String> found = redis.mget(ids.stream().map(keys::inflightBody).toArray(String[]::new));
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            if (found.get(i) != null) {
                out.put(ids.get(i), found.get(i));
            }
        }
        return out;
    }

    /**
     * Replaces the stored deliveries of subtasks still awaiting results ({@link StoredDeliveries#assignmentOnly}),
     * keeping their timers; a subtask settled meanwhile stays settled. Pipelined.
     */
    public void replaceIfPending(List<DispatchMessage> deliveries) {
        if (deliveries.isEmpty()) {
            return;
        }
        try (Pipeline p = redis.pipelined()) {
            for (DispatchMessage d : deliveries) {
                p.eval(REPLACE_IF_PENDING, List.of(keys.inflight(), keys.inflightDeliveries()),
                        List.of(d.assignments().get(0).subtaskId(), codec.toJson(d)));
            }
            p.sync();
        }
    }

    /** Forgets subtasks whose results are in (saved, confirmed): two variadic commands, one round trip. */
    public void settle(Collection<String> subtaskIds) {
        if (subtaskIds.isEmpty()) {
            return;
        }
        String[] ids = subtaskIds.toArray(String[]::new);
        try (Pipeline p = redis.pipelined()) {
            p.zrem(keys.inflight(), ids);
            p.hdel(keys.inflightDeliveries(), ids);
            p.sync();
        }
    }

    /** Up to {@code limit} deliveries due by {@code nowMillis}, earliest first. */
    public List<Due> due(long nowMillis, int limit) {
        List<Tuple> due = redis.zrangeByScoreWithScores(keys.inflight(), Double.NEGATIVE_INFINITY, nowMillis, 0,
                limit);
        if (due.isEmpty()) {
            return List.of();
        }
        List<String> deliveries = redis.hmget(keys.inflightDeliveries(),
                due.stream().map(Tuple::getElement).toArray(String[]::new));
        List<Due> out = new ArrayList<>(due.size());
        for (int i = 0; i < due.size(); i++) {
            out.add(new Due(due.get(i).getElement(), (long) due.get(i).getScore(), deliveries.get(i)));
        }
        return out;
    }

    /**
     * Removes each entry only if its due time is still the one read: an entry recorded again meanwhile (the delivery
     * was re-sent and accepted) keeps its new timer. Returns how many were removed. Pipelined.
     */
    public int removeIfUnchanged(List<Due> entries) {
        if (entries.isEmpty()) {
            return 0;
        }
        List<Response<Object>> answers = new ArrayList<>(entries.size());
        try (Pipeline p = redis.pipelined()) {
            for (Due e : entries) {
                answers.add(p.eval(REMOVE_IF_UNCHANGED, List.of(keys.inflight(), keys.inflightDeliveries()),
                        List.of(e.subtaskId(), Long.toString(e.dueMillis()))));
            }
            p.sync();
        }
        return (int) answers.stream().filter(a -> ((Long) a.get()) == 1).count();
    }

    /** When the subtask's result is due, or null if it is not in flight. */
    public Long dueMillis(String subtaskId) {
        Double score = redis.zscore(keys.inflight(), subtaskId);
        return score == null ? null : score.longValue();
    }

    public long count() {
        return redis.zcard(keys.inflight());
    }
}
