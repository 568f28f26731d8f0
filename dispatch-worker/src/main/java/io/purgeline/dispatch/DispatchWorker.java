package io.purgeline.dispatch;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Lane;
import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.Broker;
import io.purgeline.runtime.DeadLetters;
import io.purgeline.runtime.Publisher;
import io.purgeline.runtime.PurgelineConfig;
import io.purgeline.runtime.QueueConsumer;
import io.purgeline.runtime.Topology;
import io.purgeline.service.AgentKeys;
import io.purgeline.service.Env;
import io.purgeline.service.HttpConfig;
import io.purgeline.service.Lifecycle;
import io.purgeline.service.Metrics;
import io.purgeline.service.Probes;
import io.purgeline.service.SignedPost;
import io.purgeline.service.WebServer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.client.HttpClient;

/**
 * Wires dispatch-worker: consumes the fast and slow lanes, sends each node its batch, retries per node through the
 * retry queues and records nodes out of attempts as failed. Closing stops the HTTP probes, then the consumers (which
 * finish and ack the messages in hand), then the agent client and the broker.
 */
public final class DispatchWorker implements AutoCloseable {
    public static final String NAME = "dispatch-worker";
    public static final int DEFAULT_PORT = 8082;

    private final Lifecycle lifecycle;
    private final WebServer http;

    private DispatchWorker(Lifecycle lifecycle, WebServer http) {
        this.lifecycle = lifecycle;
        this.http = http;
    }

    public static DispatchWorker start(Env env) throws Exception {
        PurgelineConfig config = PurgelineConfig.from(env);
        DispatchSettings settings = DispatchSettings.from(env);
        AgentKeys keys = AgentKeys.from(env);
        Topology topology = Topology.of(config);
        Lifecycle lifecycle = new Lifecycle(NAME);
        try {
            PrometheusMeterRegistry metrics = Metrics.registry(NAME);
            Broker broker = lifecycle.own("broker", Broker.connect(config.amqp(), NAME));
            broker.declare(topology);
            Publisher publisher = new Publisher(broker, config.codec());
            Alerts alerts = new Alerts(publisher, topology, NAME);
            DeadLetters dead = new DeadLetters(publisher, topology, alerts);
            // Each lane handler has at most one request in flight per node, so this many connections per agent
            // means a busy node never makes a handler wait for a connection.
            HttpClient client = SignedPost.startClient(NAME, settings.concurrency() * Lane.values().length);
            lifecycle.own("agent client", client::stop);
            AgentClient agents = new AgentClient(client, config.codec(), keys, settings.callbackApi(),
                    settings.agentTimeout());
            RetryPolicy retries = new RetryPolicy(config, topology);
            List<QueueConsumer> consumers = new ArrayList<>();
            for (Lane lane : Lane.values()) {
                DispatchHandler handler = new DispatchHandler(lane, agents, retries, publisher, alerts,
                        Clock.systemUTC(), metrics);
                consumers.add(lifecycle.own(lane.wire() + " lane consumer", QueueConsumer.single(broker,
                        QueueConsumer.Spec.of(topology.laneQueue(lane), Topology.Area.DISPATCH)
                                .concurrency(settings.concurrency())
                                .prefetch(settings.prefetch()),
                        dead, in -> in.decode(config.codec(), DispatchMessage.class), handler)));
            }
            WebServer http = lifecycle.own("http", Probes.install(
                    WebServer.builder(NAME, HttpConfig.from(env, DEFAULT_PORT)),
                    () -> consumers.stream().allMatch(QueueConsumer::isRunning) && broker.isConnected(), metrics,
                    () -> stats(metrics)).start());
            return new DispatchWorker(lifecycle, http);
        } catch (Exception | Error e) {
            lifecycle.close();
            throw e;
        }
    }


    private static Map<String, Object> stats(PrometheusMeterRegistry metrics) {
        Map<String, Object> stats = new LinkedHashMap<>();
        for (Lane lane : Lane.values()) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("accepted", count(metrics, "purgeline_dispatch_deliveries_total", lane, "accepted"));
            l.put("failed", count(metrics, "purgeline_dispatch_deliveries_total", lane, "failed"));
            l.put("nodes_given_up", (long) metrics.counter("purgeline_dispatch_nodes_failed_total", "lane",
                    lane.wire()).count());
            stats.put(lane.wire(), l);
        }
        return stats;
    }

    private static long count(PrometheusMeterRegistry metrics, String name, Lane lane, String result) {
        return (long) metrics.counter(name, "lane", lane.wire(), "result", result).count();
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
