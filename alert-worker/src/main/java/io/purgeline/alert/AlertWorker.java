package io.purgeline.alert;

import io.purgeline.contracts.Alert;
import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.Broker;
import io.purgeline.runtime.DeadLetters;
import io.purgeline.runtime.Publisher;
import io.purgeline.runtime.PurgelineConfig;
import io.purgeline.runtime.QueueConsumer;
import io.purgeline.runtime.Topology;
import io.purgeline.service.AdminKey;
import io.purgeline.service.Env;
import io.purgeline.service.HttpConfig;
import io.purgeline.service.HttpError;
import io.purgeline.service.HttpReply;
import io.purgeline.service.Lifecycle;
import io.purgeline.service.Metrics;
import io.purgeline.service.Probes;
import io.purgeline.service.RecentTokens;
import io.purgeline.service.Refusals;
import io.purgeline.service.RequestVerifier;
import io.purgeline.service.RunningWorker;
import io.purgeline.service.WebServer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.Map;

/** Wires alert-worker: consumes the alerts queue, writes each alert to the sinks, and administers dead letters. */
public final class AlertWorker extends RunningWorker {
    public static final String NAME = "alert-worker";

    private AlertWorker(Lifecycle lifecycle, WebServer http) {
        super(lifecycle, http);
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
            DeadLetterAdmin deadLetters = new DeadLetterAdmin(broker, publisher, topology);
            Refusals refusals = new Refusals(metrics);
            AdminKey admin = AdminKey.from(env);
            RequestVerifier verifier = new RequestVerifier(admin::secretsOf, new RecentTokens(Clock.systemUTC()),
                    RequestVerifier.DEFAULT_WINDOW, Clock.systemUTC(), refusals);
            WebServer.Builder routes = WebServer.builder(NAME, HttpConfig.from(env, 8084))
                    .route("GET", "/v1/dead", AdminKey.only(verifier, refusals,
                            call -> HttpReply.json(200, Map.of("depths", deadLetters.depths()))))
                    .route("GET", "/v1/dead/{area}", AdminKey.only(verifier, refusals,
                            call -> HttpReply.json(200, Map.of("messages",
                                    deadLetters.list(call.pathParam("area"), limit(call.query("limit")))))))
                    .route("POST", "/v1/dead/{area}/replay", AdminKey.only(verifier, refusals,
                            call -> HttpReply.json(200,
                                    deadLetters.replay(call.pathParam("area"), call.query("message_id")))))
                    .route("POST", "/v1/dead/{area}/drop", AdminKey.only(verifier, refusals,
                            call -> HttpReply.json(200, Map.of("dropped",
                                    deadLetters.drop(call.pathParam("area"), call.query("message_id"))))));
            WebServer http = lifecycle.own("http", Probes.install(routes,
                    () -> consumer.isRunning() && broker.isConnected(), metrics,
                    () -> Map.of("alerts_received", (long) received.count())).start());
            return new AlertWorker(lifecycle, http);
        } catch (Exception | Error e) {
            lifecycle.close();
            throw e;
        }
    }

    private static int limit(String text) {
        if (text == null) {
            return 50;
        }
        try {
            int n = Integer.parseInt(text);
            if (n >= 1 && n <= 1000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw HttpError.badRequest("limit must be a whole number from 1 to 1000, got '" + text + "'");
    }
}
