package io.purgeline.agent;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.purgeline.service.Env;
import io.purgeline.service.HttpConfig;
import io.purgeline.service.Lifecycle;
import io.purgeline.service.Metrics;
import io.purgeline.service.Probes;
import io.purgeline.service.RunningWorker;
import io.purgeline.service.WebServer;

/**
 * Wires the edge agent of one cache node: the task endpoint takes signed batches from the dispatcher, workers run
 * them against the local cache, the reporter posts each result to callback-worker, and heartbeats say the node is
 * alive. Closing stops intake first, finishes accepted subtasks, then delivers their results.
 */
public final class AgentWorker extends RunningWorker {
    public static final String NAME = "edge-agent";
    public static final int DEFAULT_PORT = 8090;
    /** One heartbeat every few seconds: a connection, and spares while one is slow to answer. */
    private static final int HEARTBEAT_CONNECTIONS = 4;

    private AgentWorker(Lifecycle lifecycle, WebServer http) {
        super(lifecycle, http);
    }

    public static AgentWorker start(Env env) throws Exception {
        AgentSettings settings = AgentSettings.from(env);
        Lifecycle lifecycle = new Lifecycle(NAME);
        try {
            PrometheusMeterRegistry metrics = Metrics.registry(NAME);
            // One client for the cache and callback-worker: each worker holds at most one cache request at a time,
            // and callbacks and heartbeats are short, so twice the workers covers every destination without queueing
            // (connections and client threads alike).
            int perWorker = settings.workers() * 2 + 2;
            AgentResources shared = lifecycle.own("shared resources", AgentResources.start(NAME,
                    settings.workers(), Math.max(8, perWorker), perWorker, HEARTBEAT_CONNECTIONS, metrics));
            CacheAdapter cache = CacheAdapters.forKind(settings.cacheKind(), shared.client(), settings.cacheUrl(),
                    settings.cacheTimeout(), PrefetchLimits.from(env));
            AgentNode node = lifecycle.own("node " + settings.nodeId(),
                    AgentNode.start(settings, cache, shared, ExecutionCallback.NONE));
            WebServer http = lifecycle.own("http", Probes.install(
                    WebServer.builder(NAME, HttpConfig.from(env, DEFAULT_PORT))
                            .routeAsync("POST", TaskEndpoint.PATH, node.taskRoute()),
                    node::ready, metrics, node::stats).start());
            return new AgentWorker(lifecycle, http);
        } catch (Exception | Error e) {
            lifecycle.close();
            throw e;
        }
    }
}
