package io.purgeline.alert;

import io.purgeline.contracts.Lane;
import io.purgeline.runtime.Broker;
import io.purgeline.runtime.ModuleHeartbeat;
import io.purgeline.runtime.OfflineNodes;
import io.purgeline.runtime.RedisKeys;
import io.purgeline.runtime.Topology;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;

/**
 * Everything the status page shows, read from where it lives: module heartbeats and node liveness from Redis, the
 * node registry and task counts from MariaDB, queue depths from RabbitMQ, the latest alerts from the history. A
 * source that does not answer leaves its section empty and named in {@code errors}: the page is most needed when
 * something is down.
 */
final class StatusReport {
    /** Nodes listed on the page, offline ones first. */
    static final int MAX_NODES = 1000;
    /**
     * Task counts are a GROUP BY over the whole tasks table: read at most this often, however many pages are open.
     */
    static final Duration TASKS_FRESH = Duration.ofSeconds(5);

    private final Jdbi jdbi;
    private final RedisClient redis;
    private final RedisKeys keys;
    private final OfflineNodes offline;
    private final Broker broker;
    private final Topology topology;
    private final List<Duration> retryDelays;
    private final AlertHistory history;
    private final Clock clock;
    private volatile Counted counted;

    private record Counted(Instant at, Map<String, Map<String, Long>> tasks) {}

    StatusReport(Jdbi jdbi, RedisClient redis, RedisKeys keys, OfflineNodes offline, Broker broker, Topology topology,
            List<Duration> retryDelays, AlertHistory history, Clock clock) {
        this.jdbi = jdbi;
        this.redis = redis;
        this.keys = keys;
        this.offline = offline;
        this.broker = broker;
        this.topology = topology;
        this.retryDelays = List.copyOf(retryDelays);
        this.history = history;
        this.clock = clock;
    }

    record Module(String module, String instance, Instant lastSeen, Long ageMs, boolean alive, Instant downSince) {}

    record Node(String nodeId, String address, int tier, String region, String registryState, String liveness,
            Instant lastHeartbeat, Instant offlineSince, String offlineReason, long parked) {}

    record Queue(String group, String name, String queue, long depth) {}

    record Status(Instant at, List<Module> modules, List<Node> nodes, int nodesTotal, List<Queue> queues,
            Map<String, Map<String, Long>> tasksByCustomer, List<AlertHistory.Row> alerts,
            Map<String, String> errors) {}

    Status read() {
        Instant now = clock.instant();
        Map<String, String> errors = new LinkedHashMap<>();
        List<Module> modules = section("modules", errors, List.of(), () -> modules(now));
        int[] total = new int[1];
        List<Node> nodes = section("nodes", errors, List.of(), () -> nodes(total));
        List<Queue> queues = section("queues", errors, List.of(), this::queues);
        Map<String, Map<String, Long>> tasks = section("tasks", errors, Map.of(), this::tasks);
        List<AlertHistory.Row> alerts = section("alerts", errors, List.of(),
                () -> history.page(20, null, null, null, null, null).alerts());
        return new Status(now, modules, nodes, total[0], queues, tasks, alerts, errors);
    }

    private static <T> T section(String name, Map<String, String> errors, T empty, Supplier<T> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            errors.put(name, e.getMessage() == null ? e.toString() : e.getMessage());
            return empty;
        }
    }

    private List<Module> modules(Instant now) {
        List<Module> out = new ArrayList<>();
        Map<String, String> down = redis.hgetAll(keys.modulesDown());
        for (ModuleHeartbeat.Beat b : ModuleHeartbeat.all(redis, keys)) {
            long age = now.toEpochMilli() - b.atMillis();
            out.add(new Module(b.module(), b.instance(), Instant.ofEpochMilli(b.atMillis()), age,
                    age <= ModuleHeartbeat.ALIVE_WITHIN.toMillis(), since(down.get(b.module()))));
        }
        down.forEach((module, since) -> {
            if (out.stream().noneMatch(m -> m.module().equals(module))) {
                out.add(new Module(module, null, null, null, false, since(since)));
            }
        });
        out.sort(Comparator.comparing(Module::module).thenComparing(m -> String.valueOf(m.instance())));
        return out;
    }

    private static Instant since(String millis) {
        return millis == null ? null : Instant.ofEpochMilli(Long.parseLong(millis));
    }

    private record Registered(String nodeId, String address, int tier, String region, String state) {}

    private List<Node> nodes(int[] total) {
        List<Registered> registered = jdbi.withHandle(h -> h.createQuery(
                "SELECT node_id, address, tier, region, state FROM nodes ORDER BY tier, node_id")
                .map((rs, ctx) -> new Registered(rs.getString("node_id"), rs.getString("address"), rs.getInt("tier"),
                        rs.getString("region"), rs.getString("state")))
                .list());
        total[0] = registered.size();
        Map<String, OfflineNodes.Offline> off = offline.offline();
        Map<String, Long> beats = offline.heartbeats();
        List<Registered> shown = registered.stream()
                .sorted(Comparator.comparing((Registered r) -> !off.containsKey(r.nodeId())))
                .limit(MAX_NODES).toList();
        List<Response<Long>> parked = new ArrayList<>();
        try (Pipeline p = redis.pipelined()) {
            for (Registered r : shown) {
                parked.add(p.llen(keys.parked(r.nodeId())));
                parked.add(p.llen(keys.replaying(r.nodeId())));
            }
            p.sync();
        }
        List<Node> out = new ArrayList<>();
        for (int i = 0; i < shown.size(); i++) {
            Registered r = shown.get(i);
            OfflineNodes.Offline o = off.get(r.nodeId());
            Long beat = beats.get(r.nodeId());
            String liveness = o != null ? "offline" : beat != null ? "online" : "never heard from";
            out.add(new Node(r.nodeId(), r.address(), r.tier(), r.region(), r.state(), liveness,
                    beat == null ? null : Instant.ofEpochMilli(beat),
                    o == null ? null : Instant.ofEpochMilli(o.sinceMillis()), o == null ? null : o.reason(),
                    parked.get(2 * i).get() + parked.get(2 * i + 1).get()));
        }
        return out;
    }

    private List<Queue> queues() {
        List<Queue> out = new ArrayList<>();
        broker.withChannel(ch -> {
            for (Map.Entry<String, String> q : QueueWatch.workQueues(topology).entrySet()) {
                String group = q.getKey().startsWith("saves.") || q.getKey().equals("ingest")
                        || q.getKey().equals("alerts") ? "area" : "lane";
                out.add(new Queue(group, q.getKey(), q.getValue(), ch.messageCount(q.getValue())));
            }
            for (Lane lane : Lane.values()) {
                for (Duration d : retryDelays) {
                    String queue = topology.retryQueue(lane, d);
                    out.add(new Queue("retry", lane.wire() + " +" + d.toMillis() + " ms", queue,
                            ch.messageCount(queue)));
                }
            }
            for (Topology.Area area : Topology.Area.values()) {
                String queue = topology.deadQueue(area);
                out.add(new Queue("dead", area.key() + ".dead", queue, ch.messageCount(queue)));
            }
        });
        return out;
    }

    /** Task counts per customer ({@code api_id}) and state. */
    private Map<String, Map<String, Long>> tasks() {
        Instant now = clock.instant();
        Counted last = counted;
        if (last != null && Duration.between(last.at(), now).compareTo(TASKS_FRESH) < 0) {
            return last.tasks();
        }
        Map<String, Map<String, Long>> out = new TreeMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT api_id, state, COUNT(*) n FROM tasks GROUP BY api_id, state")
                .map((rs, ctx) -> new Object[] {rs.getString("api_id"), rs.getString("state"), rs.getLong("n")})
                .forEach(r -> out.computeIfAbsent((String) r[0], c -> new TreeMap<>())
                        .put((String) r[1], (Long) r[2])));
        counted = new Counted(now, out);
        return out;
    }
}
