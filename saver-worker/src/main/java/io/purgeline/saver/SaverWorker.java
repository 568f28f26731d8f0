package io.purgeline.saver;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.Broker;
import io.purgeline.runtime.Database;
import io.purgeline.runtime.DeadLetters;
import io.purgeline.runtime.Publisher;
import io.purgeline.runtime.PurgelineConfig;
import io.purgeline.runtime.QueueConsumer;
import io.purgeline.runtime.Redis;
import io.purgeline.runtime.RedisKeys;
import io.purgeline.runtime.Topology;
import io.purgeline.service.Env;
import io.purgeline.service.HttpConfig;
import io.purgeline.service.Lifecycle;
import io.purgeline.service.Metrics;
import io.purgeline.service.Probes;
import io.purgeline.service.WebServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import redis.clients.jedis.RedisClient;

/**
 * Wires saver-worker: one batch consumer per saves partition applies tasks' creations and subtask outcomes to
 * MariaDB, mirrors the counters to Redis and announces finished tasks on the events exchange.
 */
public final class SaverWorker implements AutoCloseable {
    public static final String NAME = "saver-worker";
    /** Default HTTP port of saver-worker (probes only). */
    public static final int DEFAULT_PORT = 8083;
    /**
     * Saves per batch: large enough for multi-row writes to pay off (MariaDB: ~4,000 single-row commits/s against
     * over 200,000 rows/s in batches), small enough that a redelivered batch is cheap to apply again.
     */
    public static final int DEFAULT_BATCH = 200;
    /** How long a batch may wait to fill: a few milliseconds of latency buys far fewer transactions under load. */
    public static final Duration DEFAULT_FILL = Duration.ofMillis(20);

    private final Lifecycle lifecycle;
    private final WebServer http;

    private SaverWorker(Lifecycle lifecycle, WebServer http) {
        this.lifecycle = lifecycle;
        this.http = http;
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
        Lifecycle lifecycle = new Lifecycle(NAME);
        try {
            PrometheusMeterRegistry metrics = Metrics.registry(NAME);
            // One connection per partition consumer, plus one for readiness checks.
            Database database = lifecycle.own("database",
                    Database.connect(config.db(), config.savesPartitions() + 1));
            RedisClient redis = lifecycle.own("redis", Redis.connect(config.redis()));
            Broker broker = lifecycle.own("broker", Broker.connect(config.amqp(), NAME));
            broker.declare(topology);
            Publisher publisher = new Publisher(broker, config.codec());
            DeadLetters dead = new DeadLetters(publisher, topology, new Alerts(publisher, topology, NAME));
            Counter applied = metrics.counter("purgeline_saves_applied_total");
            Counter events = metrics.counter("purgeline_task_events_total");
            TaskStore store = new JdbiTaskStore(database.jdbi(), config.codec(), Clock.systemUTC());
            SaveHandler handler = new SaveHandler(store,
                    new TaskFinisher(store, redis, RedisKeys.of(config), publisher, topology, events), applied);
            SaveDecoder decoder = new SaveDecoder(config.codec());
            List<QueueConsumer> consumers = new ArrayList<>();
            for (String queue : topology.savesQueues()) {
                // Concurrency 1: a partition's saves are applied in order, by its single active consumer.
                consumers.add(lifecycle.own(queue + " consumer", QueueConsumer.batch(broker,
                        QueueConsumer.Spec.of(queue, Topology.Area.SAVES).concurrency(1), batch, fill, dead,
                        decoder, handler)));
            }
            WebServer http = lifecycle.own("http", Probes.install(WebServer.builder(NAME, HttpConfig.from(env,
                            DEFAULT_PORT)),
                    () -> consumers.stream().allMatch(QueueConsumer::isRunning) && broker.isConnected()
                            && database.isConnected(),
                    metrics,
                    () -> Map.of(
                            "saves_applied", (long) applied.count(),
                            "events_published", (long) events.count())).start());
            return new SaverWorker(lifecycle, http);
        } catch (Exception | Error e) {
            lifecycle.close();
            throw e;
        }
    }

    public int port() {
        return http.port();
    }

    public Lifecycle lifecycle() {
        return lifecycle;
    }

    @Override
    public void close() {
        lifecycle.close();
    }
}
