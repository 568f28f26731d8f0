package io.purgeline.alert;

import io.purgeline.contracts.Alert;
import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.Broker;
import io.purgeline.runtime.DeadLetters;
import io.purgeline.runtime.Publisher;
import io.purgeline.runtime.PurgelineConfig;
import io.purgeline.runtime.QueueConsumer;
import io.purgeline.runtime.Topology;
import io.purgeline.service.Env;
import io.purgeline.service.HttpConfig;
import io.purgeline.service.Lifecycle;
import io.purgeline.service.Metrics;
import io.purgeline.service.Probes;
import io.purgeline.service.WebServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;

/** Wires alert-worker: consumes the alerts queue and writes each alert to the sinks. */
public final class AlertWorker implements AutoCloseable {
    public static final String NAME = "alert-worker";

    private final Lifecycle lifecycle;
    private final WebServer http;

    private AlertWorker(Lifecycle lifecycle, WebServer http) {
        this.lifecycle = lifecycle;
        this.http = http;
    }

    public static AlertWorker start(Env env) throws Exception {
        PurgelineConfig config = PurgelineConfig.from(env);
        Topology topology = Topology.of(config);
        Lifecycle lifecycle = new Lifecycle(NAME);
        try {
            PrometheusMeterRegistry metrics = Metrics.registry(NAME);
            Broker broker = lifecycle.own("broker", Broker.connect(config.amqp(), NAME));
            broker.declare(topology);
            Publisher publisher = new Publisher(broker, config.codec());
            DeadLetters dead = new DeadLetters(publisher, topology, new Alerts(publisher, topology, NAME));
            AlertLog sink = new AlertLog();
            Counter received = metrics.counter("purgeline_alerts_received_total");
            QueueConsumer consumer = lifecycle.own("alerts consumer", QueueConsumer.single(broker,
                    QueueConsumer.Spec.of(topology.alertsQueue(), Topology.Area.ALERTS), dead,
                    in -> in.decode(config.codec(), Alert.class),
                    (alert, in) -> {
                        sink.write(alert);
                        received.increment();
                    }));
            WebServer http = lifecycle.own("http", Probes.install(WebServer.builder(NAME, HttpConfig.from(env, 8084)),
                    () -> consumer.isRunning() && broker.isConnected(), metrics,
                    () -> Map.of("alerts_received", (long) received.count())).start());
            return new AlertWorker(lifecycle, http);
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
