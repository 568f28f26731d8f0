package io.purgeline.runtime;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.DispatchMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;

/**
 * Offline nodes and the per-node delay queue of work parked for them (DESIGN.md, Redis). A delivery is a
 * {@link DispatchMessage} with a single assignment, stored as JSON. Every state change is one Lua script, so parking
 * and a node's return cannot interleave: a delivery is either parked before the node came back (and moved with the
 * rest) or refused because it is back (and the caller sends it). Nothing is dropped in between.
 *
 * <p>A node's return moves its parked list onto its replaying list; whoever replays it (see {@link ParkedWorkReplayer})
 * trims from that list only what it has republished, confirmed. A crash in between leaves the rest for the catch-up.
 */
public final class OfflineNodes {
    /** Alert kind raised once when a node goes offline. */
    public static final String WENT_OFFLINE = "node_offline";
    /** Alert kind raised once when an offline node is back. */
    public static final String CAME_BACK = "node_online";

    // KEYS: offline, heartbeats. ARGV: node, since millis, reason, silent-since millis or ''.
    // With a silent-since bound, a heartbeat newer than it (one that raced in) keeps the node online.
    private static final String MARK_OFFLINE = """
            if ARGV[4] ~= '' then
              local heard = redis.call('HGET', KEYS[2], ARGV[1])
              if heard and tonumber(heard) > tonumber(ARGV[4]) then
                return 0
              end
            end
            return redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[3])
            """;
    // KEYS: offline, parked(node), parked nodes. ARGV: node, delivery.
    private static final String PARK = """
            if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
              return 0
            end
            redis.call('RPUSH', KEYS[2], ARGV[2])
            redis.call('SADD', KEYS[3], ARGV[1])
            return 1
            """;
    // KEYS: offline, parked(node), replaying(node), parked nodes, replaying nodes, heartbeats.
    // ARGV: node, heartbeat millis or ''. Moves the whole parked list in this one call: a RENAME when nothing is
    // replaying yet, else appended in chunks (unpack has a stack limit of a few thousand values).
    private static final String COME_BACK = """
            if ARGV[2] ~= '' then
              redis.call('HSET', KEYS[6], ARGV[1], ARGV[2])
            end
            local was = redis.call('HGET', KEYS[1], ARGV[1])
            if was then
              redis.call('HDEL', KEYS[1], ARGV[1])
            end
            local moved = redis.call('LLEN', KEYS[2])
            if moved > 0 then
              if redis.call('EXISTS', KEYS[3]) == 0 then
                redis.call('RENAME', KEYS[2], KEYS[3])
              else
                local items = redis.call('LRANGE', KEYS[2], 0, -1)
                for i = 1, #items, 1000 do
                  redis.call('RPUSH', KEYS[3], unpack(items, i, math.min(i + 999, #items)))
                end
                redis.call('DEL', KEYS[2])
              end
            end
            redis.call('SREM', KEYS[4], ARGV[1])
            local replaying = redis.call('LLEN', KEYS[3])
            if replaying > 0 then
              redis.call('SADD', KEYS[5], ARGV[1])
            end
            return {was or '', moved, replaying}
            """;
    // KEYS: replaying(node), replaying nodes. ARGV: node, count republished from the head.
    private static final String REPLAYED = """
            redis.call('LTRIM', KEYS[1], ARGV[2], -1)
            local left = redis.call('LLEN', KEYS[1])
            if left == 0 then
              redis.call('SREM', KEYS[2], ARGV[1])
            end
            return left
            """;

    private final RedisClient redis;
    private final RedisKeys keys;
    private final Codec codec;

    public OfflineNodes(RedisClient redis, RedisKeys keys, Codec codec) {
        this.redis = redis;
        this.keys = keys;
        this.codec = codec;
    }

    /** Since when, and why, a node is offline. */
    public record Offline(long sinceMillis, String reason) {
        static Offline parse(String value) {
            int sep = value.indexOf('|');
            return sep < 0 ? new Offline(0, value)
                    : new Offline(Long.parseLong(value.substring(0, sep)), value.substring(sep + 1));
        }
    }

    /**
     * What a node's return did.
     *
     * @param wasOffline null if the node was online already
     * @param moved      parked deliveries moved onto its replaying list by this call
     * @param replaying  deliveries on its replaying list now, waiting to be republished
     */
    public record Comeback(String nodeId, Offline wasOffline, long moved, long replaying) {}

    /** Marks the node offline unless it is already; true only for the call that made it offline (alert once). */
    public boolean markOffline(String nodeId, String reason, long nowMillis) {
        return markOffline(nodeId, reason, nowMillis, "");
    }

    /**
     * Marks the node offline only if it has not heartbeated after {@code silentSinceMillis}, in the same script: a
     * heartbeat arriving between the watchdog's look and this call keeps it online.
     */
    public boolean markOfflineIfSilent(String nodeId, String reason, long nowMillis, long silentSinceMillis) {
        return markOffline(nodeId, reason, nowMillis, Long.toString(silentSinceMillis));
    }

    private boolean markOffline(String nodeId, String reason, long nowMillis, String silentSince) {
        Object r = redis.eval(MARK_OFFLINE, List.of(keys.offlineNodes(), keys.nodeHeartbeats()),
                List.of(nodeId, Long.toString(nowMillis), reason, silentSince));
        return ((Long) r) == 1;
    }

    /** Parks one delivery if its node is offline; false means the node is online and the caller sends it. */
    public boolean park(DispatchMessage delivery) {
        return park(List.of(delivery)).get(0);
    }

    /** Parks each delivery whose node is offline, in one pipelined round trip; one answer per delivery, in order. */
    public List<Boolean> park(List<DispatchMessage> deliveries) {
        List<Boolean> parked = new ArrayList<>(deliveries.size());
        try (Pipeline p = redis.pipelined()) {
            List<Response<Object>> answers = new ArrayList<>(deliveries.size());
            for (DispatchMessage d : deliveries) {
                String node = nodeOf(d);
                answers.add(p.eval(PARK, List.of(keys.offlineNodes(), keys.parked(node), keys.parkedNodes()),
                        List.of(node, codec.toJson(d))));
            }
            p.sync();
            answers.forEach(a -> parked.add(((Long) a.get()) == 1));
        }
        return parked;
    }

    /** Marks the node online, moving its parked work onto its replaying list, all in one script. */
    public Comeback comeBack(String nodeId) {
        return comeBack(nodeId, "");
    }

    /** Records a heartbeat and, if the node was offline, brings it back as {@link #comeBack} does: one round trip. */
    public Comeback heartbeat(String nodeId, long nowMillis) {
        return comeBack(nodeId, Long.toString(nowMillis));
    }

    private Comeback comeBack(String nodeId, String heartbeat) {
        List<?> r = (List<?>) redis.eval(COME_BACK, List.of(keys.offlineNodes(), keys.parked(nodeId),
                keys.replaying(nodeId), keys.parkedNodes(), keys.replayingNodes(), keys.nodeHeartbeats()),
                List.of(nodeId, heartbeat));
        String was = text(r.get(0));
        return new Comeback(nodeId, was.isEmpty() ? null : Offline.parse(was), (Long) r.get(1), (Long) r.get(2));
    }

    /** The first {@code max} deliveries of the node's replaying list, oldest first. */
    public List<String> replaying(String nodeId, int max) {
        return redis.lrange(keys.replaying(nodeId), 0, max - 1L);
    }

    /**
     * Drops the first {@code count} deliveries of the node's replaying list, once they are republished; entries a
     * concurrent return appended behind them stay. Returns how many are left.
     */
    public long replayed(String nodeId, int count) {
        return (Long) redis.eval(REPLAYED, List.of(keys.replaying(nodeId), keys.replayingNodes()),
                List.of(nodeId, Integer.toString(count)));
    }

    /** Nodes with deliveries taken for replay and not yet confirmed republished. */
    public Set<String> replayingNodes() {
        return redis.smembers(keys.replayingNodes());
    }

    /** Every offline node with since when and why. */
    public Map<String, Offline> offline() {
        Map<String, Offline> out = new HashMap<>();
        redis.hgetAll(keys.offlineNodes()).forEach((node, v) -> out.put(node, Offline.parse(v)));
        return out;
    }

    /** Which of these nodes are offline; one round trip. */
    public Set<String> offlineAmong(Collection<String> nodeIds) {
        return present(keys.offlineNodes(), nodeIds);
    }

    /** Which of these nodes have ever heartbeated; one round trip. */
    public Set<String> heardFrom(Collection<String> nodeIds) {
        return present(keys.nodeHeartbeats(), nodeIds);
    }

    /** Every node that ever heartbeated, with the epoch millis of its last heartbeat. */
    public Map<String, Long> heartbeats() {
        Map<String, Long> out = new HashMap<>();
        redis.hgetAll(keys.nodeHeartbeats()).forEach((node, v) -> out.put(node, Long.parseLong(v)));
        return out;
    }

    /** The node's parked deliveries, oldest first. */
    public List<String> parked(String nodeId) {
        return redis.lrange(keys.parked(nodeId), 0, -1);
    }

    public long offlineCount() {
        return redis.hlen(keys.offlineNodes());
    }

    /** Deliveries parked or waiting for replay, over all nodes: a few round trips, pipelined. */
    public long parkedCount() {
        Set<String> nodes = new LinkedHashSet<>(redis.smembers(keys.parkedNodes()));
        nodes.addAll(redis.smembers(keys.replayingNodes()));
        if (nodes.isEmpty()) {
            return 0;
        }
        List<Response<Long>> lengths = new ArrayList<>();
        try (Pipeline p = redis.pipelined()) {
            for (String node : nodes) {
                lengths.add(p.llen(keys.parked(node)));
                lengths.add(p.llen(keys.replaying(node)));
            }
            p.sync();
        }
        return lengths.stream().mapToLong(Response::get).sum();
    }

    private Set<String> present(String hash, Collection<String> nodeIds) {
        if (nodeIds.isEmpty()) {
            return Set.of();
        }
        List<String> ids = List.copyOf(new LinkedHashSet<>(nodeIds));
        List<String> values = redis.hmget(hash, ids.toArray(String[]::new));
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            if (values.get(i) != null) {
                out.add(ids.get(i));
            }
        }
        return out;
    }

    private static String nodeOf(DispatchMessage delivery) {
        if (delivery.assignments() == null || delivery.assignments().size() != 1) {
            throw new IllegalArgumentException("a delivery carries exactly one assignment, task " + delivery.taskId()
                    + " has " + (delivery.assignments() == null ? 0 : delivery.assignments().size()));
        }
        return delivery.assignments().get(0).nodeId();
    }

    private static String text(Object redisValue) {
        return redisValue instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(redisValue);
    }
}
