package io.purgeline.saver;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.Broker;
import io.purgeline.runtime.Database;
import io.purgeline.runtime.DeadLetters;
import io.purgeline.runtime.ModuleHeartbeat;
import io.purgeline.runtime.Publisher;
import io.purgeline.runtime.PurgelineConfig;
import io.purgeline.runtime.QueueConsumer;
import io.purgeline.runtime.QueueDepths;
import io.purgeline.runtime.Redis;
import io.purgeline.runtime.RedisKeys;
import io.purgeline.runtime.Singleton;
import io.purgeline.runtime.Topology;
import io.purgeline.service.Env;
import io.purgeline.service.HttpConfig;
import io.purgeline.service.Lifecycle;
import io.purgeline.service.Metrics;
import io.purgeline.service.Probes;
import io.purgeline.service.Rates;
import io.purgeline.service.RunningWorker;
import io.purgeline.service.WebServer;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import redis.clients.jedis.RedisClient;

/**
 * Wires saver-worker: one batch consumer per saves partition this instance holds applies tasks' creations, subtask
 * outcomes and expiries to MariaDB, mirrors the counters to Redis and announces finished tasks on the events exchange.
 * The partitions are shared evenly between the running instances; one of them also sweeps for passed deadlines.
 */
public final class SaverWorker extends RunningWorker {
    public static final String NAME = "saver-worker";
    /** Default HTTP port of saver-worker (probes only). */
    public static final int DEFAULT_PORT = 8083;
    /**
     * Save messages per batch, and so the partition consumer's prefetch: large enough for multi-row writes to pay off
     * (MariaDB: ~4,000 single-row commits/s against over 200,000 rows/s in batches), small enough that a redelivered
     * batch is cheap to apply again. Busy publishers put many tasks' saves in one message ({@code save.batch}), so a
     * few messages make a large batch; at 200, the messages held by four partition consumers ran the saver's heap
     * into back-to-back full collections (28 % of its processor time under the throughput benchmark).
     */
    public static final int DEFAULT_BATCH = 20;
    /**
     * The longest a batch gathers saves that arrive one after another. Under load the queue already holds a full batch
     * and this never matters; when results trickle in, it bounds what the first of them waits for its commit.
     */
    public static final Duration DEFAULT_FILL = Duration.ofMillis(5);
    /**
     * How often an instance renews its partition leases and looks for a new share. Leases live three ticks, so this
     * sets how fast the partitions of a dead instance move: about 3 s, against one Redis round trip per partition per
     * second.
     */
    public static final Duration DEFAULT_TICK = Duration.ofSeconds(1);
    /** How often the deadline sweeper looks for passed deadlines: how late a task may be announced as expired. */
    public static final Duration DEFAULT_SWEEP = Duration.ofSeconds(1);
    /** Shortest tick or sweep period: leases of a few milliseconds would be lost to ordinary scheduling delays. */
    private static final Duration MIN_PERIOD = Duration.ofMillis(10);

    private final PartitionOwnership ownership;

    private SaverWorker(Lifecycle lifecycle, WebServer http, PartitionOwnership ownership) {
        super(lifecycle, http);
        this.ownership = ownership;
    }

    public static SaverWorker start(Env env) throws Exception {
        PurgelineConfig config = PurgelineConfig.from(env);
        Topology topology = Topology.of(config);
        int batch = env.integer("PURGELINE_SAVER_BATCH", DEFAULT_BATCH);
        if (batch < 1) {
            throw new IllegalArgumentException("PURGELINE_SAVER_BATCH must be at least 1, got " + batch);
        }
        Duration fill = env.millis("PURGELINE_SAVER_FILL_MS", DEFAULT_FILL);
        if (fill.isNegative() || fill.isZero()) {
            throw new IllegalArgumentException("PURGELINE_SAVER_FILL_MS must be at least 1, got " + fill.toMillis());
        }
        Duration tick = period(env, "PURGELINE_SAVER_TICK_MS", DEFAULT_TICK);
        Duration sweep = period(env, "PURGELINE_DEADLINE_SWEEP_MS", DEFAULT_SWEEP);
        String id = NAME + "/" + UUID.randomUUID();
        Lifecycle lifecycle = new Lifecycle(NAME);
        try {
            PrometheusMeterRegistry metrics = Metrics.registry(NAME);
            // One connection per partition consumer, plus one for the deadline sweeper and one for readiness checks.
            Database database = lifecycle.own("database",
                    Database.connect(config.db(), config.savesPartitions() + 2));
            RedisClient redis = lifecycle.own("redis", Redis.connect(config.redis()));
            Broker broker = lifecycle.own("broker", Broker.connect(config.amqp(), NAME));
            broker.declare(topology);
            Publisher publisher = new Publisher(broker, config.codec());
            DeadLetters dead = new DeadLetters(publisher, topology, new Alerts(publisher, topology, NAME), metrics);
            Counter applied = metrics.counter("purgeline_saves_applied_total");
            Counter events = metrics.counter("purgeline_task_events_total");
            Counter expired = metrics.counter("purgeline_tasks_expired_total");
            Counter expiries = metrics.counter("purgeline_task_expiries_published_total");
            Timer batchTime = Metrics.latency(metrics, "purgeline_saver_batch_seconds",
                    "time to apply a batch of saves in one transaction, events and counters included");
            RedisKeys keys = RedisKeys.of(config);
            TaskStore store = new JdbiTaskStore(database.jdbi(), config.codec(), Clock.systemUTC(),
                    new ExpiryReasons(redis, keys));
            SaveHandler handler = new SaveHandler(store,
                    new TaskFinisher(store, redis, keys, publisher, topology, events, expired), applied);
            SaveDecoder decoder = new SaveDecoder(config.codec());
            PartitionOwnership ownership = lifecycle.own("saves partitions", PartitionOwnership.start(redis, keys,
                    id, config.savesPartitions(), tick, (partition, lease) -> {
                        String queue = topology.savesQueue(partition);
                        // Concurrency 1: a partition's saves are applied in order, by its single active consumer.
                        QueueConsumer.SortingBatchHandler<Save> fenced = handler.fencedBy(lease, queue);
                        return QueueConsumer.sortingBatch(broker,
                                QueueConsumer.Spec.of(queue, Topology.Area.SAVES).concurrency(1).prefetch(batch),
                                batch, fill, dead,
                                decoder, saves -> batchTime.recordCallable(() -> fenced.handle(saves)),
                                handler::giveUp);
                    }));
            Singleton sweeper = lifecycle.own("deadline sweeper", Singleton.start(redis, keys, "deadline-sweeper", id,
                    sweep, new DeadlineSweeper(store, publisher, topology, Clock.systemUTC(), sweep, expiries)));
            Rates rates = lifecycle.own("stats rates", Rates.start(env)
                    .track("saves", applied::count)
                    .track("events", events::count));
            Map<String, String> partitions = new LinkedHashMap<>();
            for (int p = 0; p < config.savesPartitions(); p++) {
                partitions.put("saves." + p, topology.savesQueue(p));
            }
            QueueDepths queues = new QueueDepths(broker, partitions, metrics);
            // alert-worker alerts when a worker type has no live instance left (module_down).
            lifecycle.own("module heartbeat", ModuleHeartbeat.start(redis, keys, NAME, ModuleHeartbeat.thisInstance()));
            WebServer http = lifecycle.own("http", Probes.install(WebServer.builder(NAME, HttpConfig.from(env,
                            DEFAULT_PORT)),
                    () -> ownership.isConsuming() && broker.isConnected() && database.isConnected(),
                    metrics,
                    () -> {
                        Map<String, Object> stats = new LinkedHashMap<>();
                        stats.put("saver_id", id);
                        stats.put("partitions_held", ownership.held());
                        stats.put("live_savers", ownership.liveSavers());
                        stats.put("deadline_sweeper", sweeper.isLeader() ? "active" : "standby");
                        stats.put("saves_applied", (long) applied.count());
                        stats.put("events_published", (long) events.count());
                        stats.put("tasks_expired", (long) expired.count());
                        stats.put("expiries_published", (long) expiries.count());
                        stats.put("rates", rates.snapshot());
                        stats.put("queues", queues.snapshot());
                        return stats;
                    }).start());
            return new SaverWorker(lifecycle, http, ownership);
        } catch (Exception | Error e) {
            lifecycle.close();
            throw e;
        }
    }

    private static Duration period(Env env, String name, Duration def) {
        Duration d = env.millis(name, def);
        if (d.compareTo(MIN_PERIOD) < 0) {
            throw new IllegalArgumentException(name + " must be at least " + MIN_PERIOD.toMillis() + ", got "
                    + d.toMillis());
        }
        return d;
    }

    /**
     * Stops consuming and renewing as a killed process would, keeping this instance's partition leases until they
     * expire. For tests of what the other instances do when one dies; {@link #close} still closes the rest.
     */
    void halt() throws InterruptedException {
        ownership.halt();
    }
}
