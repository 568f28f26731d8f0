package io.purgeline.dispatch;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Lane;
import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.Broker;
import io.purgeline.runtime.DeadLetters;
import io.purgeline.runtime.InflightDeliveries;
import io.purgeline.runtime.ModuleHeartbeat;
import io.purgeline.runtime.OfflineNodes;
import io.purgeline.runtime.ParkedWorkReplayer;
import io.purgeline.runtime.Publisher;
import io.purgeline.runtime.PurgelineConfig;
import io.purgeline.runtime.QueueConsumer;
import io.purgeline.runtime.QueueDepths;
import io.purgeline.runtime.Redis;
import io.purgeline.runtime.SaveBatcher;
import io.purgeline.runtime.RedisKeys;
import io.purgeline.runtime.Singleton;
import io.purgeline.runtime.Topology;
import io.purgeline.service.AgentKeys;
import io.purgeline.service.Env;
import io.purgeline.service.HttpConfig;
import io.purgeline.service.Lifecycle;
import io.purgeline.service.Metrics;
import io.purgeline.service.Probes;
import io.purgeline.service.Rates;
import io.purgeline.service.RunningWorker;
import io.purgeline.service.SignedPost;
import io.purgeline.service.WebServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.eclipse.jetty.client.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Wires dispatch-worker: consumes the fast and slow lanes, sends each node its batch, parks work for offline nodes,
 * retries per node through the retry queues and records nodes out of attempts as failed; runs the node watchdog,
 * the offline catch-up and the in-flight sweeper as singletons. Closing stops the HTTP probes, then the singletons
 * and the consumers (which finish and ack the messages in hand), then the agent client, the broker and Redis.
 */
public final class DispatchWorker extends RunningWorker {
    /**
     * Threads of the HTTP client to the agents: its selector and the handling of answers, which never blocks. At
     * Jetty's default of 200, a thousand nodes' answers under load grew it to 165 threads, about 50 MB of
     * dispatch-worker's resident memory (312 MB in the memory benchmark, 264-288 MB with 16; throughput the same).
     */
    static final int CLIENT_THREADS = 16;
    /**
     * The longest a lane consumer gathers messages arriving one after another into one batch (a batch is otherwise
     * what is already there, up to the prefetch): a quiet lane's message waits about a millisecond, not this.
     */
    static final Duration LANE_FILL = Duration.ofMillis(5);

    public static final String NAME = "dispatch-worker";
    public static final int DEFAULT_PORT = 8082;
    private static final Logger log = LoggerFactory.getLogger(DispatchWorker.class);

    private DispatchWorker(Lifecycle lifecycle, WebServer http) {
        super(lifecycle, http);
    }

    public static DispatchWorker start(Env env) throws Exception {
        PurgelineConfig config = PurgelineConfig.from(env);
        DispatchSettings settings = DispatchSettings.from(env);
        AgentKeys keys = AgentKeys.from(env);
        Topology topology = Topology.of(config);
        RedisKeys redisKeys = RedisKeys.of(config);
        Clock clock = Clock.systemUTC();
        String owner = NAME + "/" + UUID.randomUUID();
        Lifecycle lifecycle = new Lifecycle(NAME);
        try {
            PrometheusMeterRegistry metrics = Metrics.registry(NAME);
            RedisClient redis = lifecycle.own("redis", Redis.connect(config.redis()));
            Broker broker = lifecycle.own("broker", Broker.connect(config.amqp(), NAME));
            broker.declare(topology);
            Publisher publisher = new Publisher(broker, config.codec());
            Alerts alerts = new Alerts(publisher, topology, NAME);
            DeadLetters dead = new DeadLetters(publisher, topology, alerts, metrics);
            OfflineNodes offline = new OfflineNodes(redis, redisKeys, config.codec());
            InflightDeliveries inflight = new InflightDeliveries(redis, redisKeys, config.codec());
            // A node's outbox has one request in flight at a time; a second connection covers a re-send racing it.
            HttpClient client = SignedPost.startClient(NAME, 2, CLIENT_THREADS);
            lifecycle.own("agent client", client::stop);
            AgentClient agents = new AgentClient(client, config.codec(), keys, settings.callbackApi(),
                    settings.agentTimeout(), settings.answerWithin());
            RetryPolicy retries = new RetryPolicy(config, topology);
            OfflineParking parking = new OfflineParking(offline, alerts, config.maxAttempts(), clock,
                    metrics.counter("purgeline_dispatch_parked_total"));
            // Closed in reverse: consumers stop handing in, then the outboxes finish sending, then the answers.
            SaveBatcher saves = lifecycle.own("result saves", SaveBatcher.start(publisher, topology, inflight));
            DeliveryOutcomes outcomes = lifecycle.own("node answers", new DeliveryOutcomes(saves, retries, parking,
                    inflight,
                    publisher, topology, alerts, clock, metrics));
            NodeOutboxes outboxes = lifecycle.own("node outboxes", new NodeOutboxes(agents, outcomes::answered,
                    settings.outboxCapacity(), metrics));
            Duration resultDue = settings.agentTimeout().plus(settings.inflightTimeout());
            List<QueueConsumer> consumers = new ArrayList<>();
            for (Lane lane : Lane.values()) {
                DispatchHandler handler = new DispatchHandler(lane, outboxes, parking, inflight, resultDue,
                        publisher, topology, clock, metrics);
                consumers.add(lifecycle.own(lane.wire() + " lane consumer", QueueConsumer.sortingBatch(broker,
                        QueueConsumer.Spec.of(topology.laneQueue(lane), Topology.Area.DISPATCH)
                                .concurrency(settings.concurrency())
                                .prefetch(settings.prefetch()),
                        settings.prefetch(), LANE_FILL, dead, DispatchHandler.decoder(config.codec()),
                        handler, handler::giveUpAll)));
            }
            ParkedWorkReplayer replayer = new ParkedWorkReplayer(redis, redisKeys, offline, publisher, topology, dead,
                    config.codec(), owner);
            lifecycle.own(NodeWatchdog.NAME, Singleton.start(redis, redisKeys, NodeWatchdog.NAME, owner,
                    settings.sweepInterval(),
                    new NodeWatchdog(offline, redis, redisKeys, alerts, settings.heartbeatTimeout(), clock)));
            lifecycle.own(CatchUp.NAME, Singleton.start(redis, redisKeys, CatchUp.NAME, owner,
                    settings.sweepInterval(), new CatchUp(offline, replayer, alerts, settings.heartbeatTimeout(),
                            clock)));
            lifecycle.own(InflightSweeper.NAME, Singleton.start(redis, redisKeys, InflightSweeper.NAME, owner,
                    settings.sweepInterval(), new InflightSweeper(inflight, publisher, topology, dead, alerts,
                            config.codec(), redisKeys, config.maxAttempts(), settings.inflightTimeout(), clock,
                            metrics.counter("purgeline_dispatch_redispatched_total"))));
            Gauge.builder("purgeline_dispatch_nodes_offline", () -> fromRedis(offline::offlineCount))
                    .register(metrics);
            Gauge.builder("purgeline_dispatch_parked_deliveries", () -> fromRedis(offline::parkedCount))
                    .register(metrics);
            Gauge.builder("purgeline_dispatch_inflight", () -> fromRedis(inflight::count)).register(metrics);
            Gauge.builder("purgeline_dispatch_outbox_pending", outboxes::pending).register(metrics);
            Rates rates = lifecycle.own("stats rates", Rates.start(env)
                    .track("dispatches", () -> sum(metrics, "purgeline_dispatch_deliveries_total", "accepted"))
                    .track("failed", () -> sum(metrics, "purgeline_dispatch_deliveries_total", "failed"))
                    .track("redispatched", metrics.counter("purgeline_dispatch_redispatched_total")::count));
            Map<String, String> lanes = new LinkedHashMap<>();
            for (Lane lane : Lane.values()) {
                lanes.put(lane.wire(), topology.laneQueue(lane));
            }
            QueueDepths queues = new QueueDepths(broker, lanes, metrics);
            // alert-worker alerts when a worker type has no live instance left (module_down).
            lifecycle.own("module heartbeat", ModuleHeartbeat.start(redis, redisKeys, NAME, ModuleHeartbeat.thisInstance()));
            WebServer http = lifecycle.own("http", Probes.install(
                    WebServer.builder(NAME, HttpConfig.from(env, DEFAULT_PORT)),
                    () -> consumers.stream().allMatch(QueueConsumer::isRunning) && broker.isConnected(), metrics,
                    () -> {
                        Map<String, Object> stats = stats(metrics, offline, inflight, outboxes);
                        stats.put("rates", rates.snapshot());
                        stats.put("queues", queues.snapshot());
                        return stats;
                    }).start());
            return new DispatchWorker(lifecycle, http);
        } catch (Exception | Error e) {
            lifecycle.close();
            throw e;
        }
    }

    private static Map<String, Object> stats(PrometheusMeterRegistry metrics, OfflineNodes offline,
            InflightDeliveries inflight, NodeOutboxes outboxes) {
        Map<String, Object> stats = new LinkedHashMap<>();
        for (Lane lane : Lane.values()) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("accepted", count(metrics, "purgeline_dispatch_deliveries_total", lane, "accepted"));
            l.put("failed", count(metrics, "purgeline_dispatch_deliveries_total", lane, "failed"));
            l.put("nodes_given_up", (long) metrics.counter("purgeline_dispatch_nodes_failed_total", "lane",
                    lane.wire()).count());
            l.put("nodes_expired", (long) metrics.counter("purgeline_dispatch_nodes_expired_total", "lane",
                    lane.wire()).count());
            stats.put(lane.wire(), l);
        }
        stats.put("parked", (long) metrics.counter("purgeline_dispatch_parked_total").count());
        stats.put("redispatched", (long) metrics.counter("purgeline_dispatch_redispatched_total").count());
        stats.put("nodes_offline", statFromRedis(offline::offlineCount));
        stats.put("parked_deliveries", statFromRedis(offline::parkedCount));
        stats.put("inflight", statFromRedis(inflight::count));
        stats.put("outbox_pending", (long) outboxes.pending());
        return stats;
    }

    /** A live gauge read from Redis; NaN while Redis does not answer, so that /metrics still does. */
    private static double fromRedis(LongSupplier read) {
        Object v = statFromRedis(read);
        return v instanceof Long n ? n : Double.NaN;
    }

    /** A live figure read from Redis, or "unavailable" while Redis does not answer, so that /stats still does. */
    private static Object statFromRedis(LongSupplier read) {
        try {
            return read.getAsLong();
        } catch (JedisException e) {
            log.debug("stats: Redis did not answer: {}", e.toString());
            return "unavailable";
        }
    }

    /** A counter's total over both lanes. */
    private static double sum(PrometheusMeterRegistry metrics, String name, String result) {
        double total = 0;
        for (Lane lane : Lane.values()) {
            total += metrics.counter(name, "lane", lane.wire(), "result", result).count();
        }
        return total;
    }

    private static long count(PrometheusMeterRegistry metrics, String name, Lane lane, String result) {
        return (long) metrics.counter(name, "lane", lane.wire(), "result", result).count();
    }
}
