package io.purgeline.agent;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.purgeline.contracts.Codec;
import io.purgeline.service.AgentKeys;
import io.purgeline.service.Env;
import io.purgeline.service.HttpConfig;
import io.purgeline.service.Lifecycle;
import io.purgeline.service.Metrics;
import io.purgeline.service.Probes;
import io.purgeline.service.SignedPost;
import io.purgeline.service.WebServer;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import org.eclipse.jetty.client.HttpClient;

/**
 * Wires the edge agent: the task endpoint takes signed batches from the dispatcher, workers run them against the
 * local cache, the reporter posts each result to callback-worker, and heartbeats say the node is alive. Closing stops
 * intake first, finishes accepted subtasks, then delivers their results.
 */
public final class AgentWorker implements AutoCloseable {
    public static final String NAME = "edge-agent";
    public static final int DEFAULT_PORT = 8090;

    private final Lifecycle lifecycle;
    private final WebServer http;

    private AgentWorker(Lifecycle lifecycle, WebServer http) {
        this.lifecycle = lifecycle;
        this.http = http;
    }

    public static AgentWorker start(Env env) throws Exception {
        AgentSettings settings = AgentSettings.from(env);
        AgentKeys keys = AgentKeys.from(env);
        Codec codec = Codec.standard();
        Lifecycle lifecycle = new Lifecycle(NAME);
        try {
            PrometheusMeterRegistry metrics = Metrics.registry(NAME);
            // One client for the cache and callback-worker: each worker holds at most one cache request at a time,
            // and callbacks and heartbeats are short, so twice the workers covers every destination without queueing.
            HttpClient client = SignedPost.startClient(NAME, settings.workers() * 2 + 2);
            lifecycle.own("http client", client::stop);
            CacheAdapter cache = CacheAdapters.forKind(settings.cacheKind(), client, settings.cacheUrl(),
                    settings.cacheTimeout());
            ResultReporter reporter = lifecycle.own("result reporter", new ResultReporter(client, codec, keys,
                    settings.nodeId(), settings.callbackTimeout(), ResultReporter.DEFAULT_BACKOFF,
                    Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "callback-retry")), metrics));
            SubtaskRunner runner = lifecycle.own("subtask runner", SubtaskRunner.start(cache, reporter,
                    settings.workers(), settings.queueCapacity(), metrics));
            if (settings.heartbeatUrl() != null) {
                lifecycle.own("heartbeats", HeartbeatSender.start(client, codec, keys, settings.heartbeatUrl(),
                        settings.heartbeatInterval(), settings.callbackTimeout(), settings.nodeId(), version(),
                        cache.kind(), runner));
            }
            TaskEndpoint tasks = new TaskEndpoint(settings.nodeId(),
                    new SignatureVerifier(keys, Clock.systemUTC()), codec, runner);
            WebServer http = lifecycle.own("http", Probes.install(
                    WebServer.builder(NAME, HttpConfig.from(env, DEFAULT_PORT)).route("POST", TaskEndpoint.PATH, tasks),
                    runner::accepting, metrics, () -> {
                        Map<String, Object> stats = new LinkedHashMap<>();
                        stats.put("node_id", settings.nodeId());
                        stats.put("cache", cache.kind());
                        stats.put("queued", runner.queued());
                        stats.put("running", runner.running());
                        stats.put("callbacks_pending", reporter.pending());
                        return stats;
                    }).start());
            return new AgentWorker(lifecycle, http);
        } catch (Exception | Error e) {
            lifecycle.close();
            throw e;
        }
    }


    /** The agent's build version as packaged, reported in heartbeats. */
    static String version() {
        String v = AgentWorker.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
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
