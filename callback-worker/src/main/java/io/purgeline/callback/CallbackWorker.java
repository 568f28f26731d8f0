package io.purgeline.callback;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.SaveBatcher;
import io.purgeline.runtime.Broker;
import io.purgeline.runtime.DeadLetters;
import io.purgeline.runtime.InflightDeliveries;
import io.purgeline.runtime.ModuleHeartbeat;
import io.purgeline.runtime.NodeCaches;
import io.purgeline.runtime.OfflineNodes;
import io.purgeline.runtime.ParkedWorkReplayer;
import io.purgeline.runtime.Publisher;
import io.purgeline.runtime.PurgelineConfig;
import io.purgeline.runtime.Redis;
import io.purgeline.runtime.RedisKeys;
import io.purgeline.runtime.RegisteredNodes;
import io.purgeline.runtime.Topology;
import io.purgeline.service.AgentKeys;
import io.purgeline.service.Env;
import io.purgeline.service.HttpConfig;
import io.purgeline.service.Lifecycle;
import io.purgeline.service.Metrics;
import io.purgeline.service.Probes;
import io.purgeline.service.Rates;
import io.purgeline.service.RecentTokens;
import io.purgeline.service.Refusals;
import io.purgeline.service.RequestVerifier;
import io.purgeline.service.RunningWorker;
import io.purgeline.service.WebServer;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Wires callback-worker: agents' result callbacks become saves (and settle the subtasks' in-flight timers), their
 * heartbeats node liveness in Redis, and the heartbeat of an offline node brings it back with its parked work.
 * Closing stops HTTP first, then finishes queued replays, then closes the broker and Redis.
 */
public final class CallbackWorker extends RunningWorker {
    public static final String NAME = "callback-worker";
    /** Default HTTP port of callback-worker (the agents' {@code callback_api} points here). */
    public static final int DEFAULT_PORT = 8081;

    private CallbackWorker(Lifecycle lifecycle, WebServer http) {
        super(lifecycle, http);
    }

    public static CallbackWorker start(Env env) throws Exception {
        PurgelineConfig config = PurgelineConfig.from(env);
        Topology topology = Topology.of(config);
        AgentKeys keys = AgentKeys.from(env);
        Clock clock = Clock.systemUTC();
        Lifecycle lifecycle = new Lifecycle(NAME);
        try {
            PrometheusMeterRegistry metrics = Metrics.registry(NAME);
            RedisClient redis = lifecycle.own("redis", Redis.connect(config.redis()));
            Broker broker = lifecycle.own("broker", Broker.connect(config.amqp(), NAME));
            broker.declare(topology);
            Publisher publisher = new Publisher(broker, config.codec());
            Alerts alerts = new Alerts(publisher, topology, NAME);
            RedisKeys redisKeys = RedisKeys.of(config);
            OfflineNodes offline = new OfflineNodes(redis, redisKeys, config.codec());
            ComebackReplays replays = lifecycle.own("comeback replays", ComebackReplays.start(
                    new ParkedWorkReplayer(redis, redisKeys, offline, publisher, topology,
                            new DeadLetters(publisher, topology, alerts), config.codec(),
                            NAME + "/" + UUID.randomUUID())));
            Counter results = metrics.counter("purgeline_callback_results_total");
            Counter forged = metrics.counter("purgeline_callback_forged_total");
            Counter heartbeats = metrics.counter("purgeline_agent_heartbeats_total");
            Counter cameBack = metrics.counter("purgeline_callback_nodes_back_total");
            // Owned before HTTP, so it publishes what HTTP handed it after HTTP has stopped taking callbacks.
            SaveBatcher saves = lifecycle.own("result saves", SaveBatcher.start(publisher, topology,
                    new InflightDeliveries(redis, redisKeys, config.codec())));
            Refusals refusals = new Refusals(metrics);
            // In this process's memory: a callback replayed to another instance finds its subtasks settled already.
            RequestVerifier verifier = new RequestVerifier(NodeSignatures.of(keys), new RecentTokens(clock),
                    RequestVerifier.DEFAULT_WINDOW, clock, refusals);
            Timer callbackTime = Metrics.latency(metrics, "purgeline_callback_seconds",
                    "an agent's callback, from its arrival to its answer (after its save was confirmed)");
            CallbackRoute callbacks = new CallbackRoute(config.codec(), keys, verifier, refusals, saves, alerts, clock,
                    results, forged, CallbackRoute.MAX_WAITING);
            WebServer.Builder routes = WebServer.builder(NAME, HttpConfig.from(env, DEFAULT_PORT))
                    .routeAsync("POST", "/v1/agent/callback", call -> {
                        long start = System.nanoTime();
                        return callbacks.handle(call).whenComplete((reply, error) ->
                                callbackTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS));
                    })
                    .route("POST", "/v1/agent/heartbeat", new HeartbeatRoute(config.codec(), verifier, refusals,
                            new RegisteredNodes(redis, redisKeys), offline, new NodeCaches(redis, redisKeys), alerts,
                            replays, clock, heartbeats, cameBack));
            // Registered before HTTP, so closed after it: the beat says "heartbeats are being received".
            lifecycle.own("module heartbeat", ModuleHeartbeat.start(redis, redisKeys, NAME,
                    ModuleHeartbeat.thisInstance()));
            Rates rates = lifecycle.own("stats rates", Rates.start(env)
                    .track("callbacks", results::count)
                    .track("heartbeats", heartbeats::count));
            WebServer http = lifecycle.own("http", Probes.install(routes,
                    () -> broker.isConnected() && redisAnswers(redis), metrics,
                    () -> {
                        Map<String, Object> stats = new LinkedHashMap<>();
                        stats.put("results_accepted", (long) results.count());
                        stats.put("callbacks_waiting", (long) callbacks.waiting());
                        stats.put("forged_refused", (long) forged.count());
                        stats.put("refused", refusals.count());
                        stats.put("heartbeats", (long) heartbeats.count());
                        stats.put("nodes_back_online", (long) cameBack.count());
                        stats.put("rates", rates.snapshot());
                        return stats;
                    }).start());
            return new CallbackWorker(lifecycle, http);
        } catch (Exception | Error e) {
            lifecycle.close();
            throw e;
        }
    }

    private static boolean redisAnswers(RedisClient redis) {
        try {
            return "PONG".equals(redis.ping());
        } catch (JedisException e) {
            return false;
        }
    }
}
