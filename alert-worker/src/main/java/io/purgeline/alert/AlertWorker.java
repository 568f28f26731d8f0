package io.purgeline.alert;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.purgeline.contracts.Alert;
import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.Broker;
import io.purgeline.runtime.Database;
import io.purgeline.runtime.DeadLetters;
import io.purgeline.runtime.ModuleHeartbeat;
import io.purgeline.runtime.OfflineNodes;
import io.purgeline.runtime.PoisonMessageException;
import io.purgeline.runtime.Publisher;
import io.purgeline.runtime.PurgelineConfig;
import io.purgeline.runtime.QueueConsumer;
import io.purgeline.runtime.QueueDepths;
import io.purgeline.runtime.Redis;
import io.purgeline.runtime.RedisKeys;
import io.purgeline.runtime.RedisNonces;
import io.purgeline.runtime.Singleton;
import io.purgeline.runtime.Topology;
import io.purgeline.service.AdminKey;
import io.purgeline.service.Env;
import io.purgeline.service.HttpConfig;
import io.purgeline.service.HttpError;
import io.purgeline.service.HttpReply;
import io.purgeline.service.Lifecycle;
import io.purgeline.service.Metrics;
import io.purgeline.service.Probes;
import io.purgeline.service.Rates;
import io.purgeline.service.Refusals;
import io.purgeline.service.RequestVerifier;
import io.purgeline.service.RunningWorker;
import io.purgeline.service.SignedPost;
import io.purgeline.service.WebServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.client.HttpClient;
import redis.clients.jedis.RedisClient;

/**
 * Wires alert-worker: records every alert in MariaDB and hands the first of each key per window to the sinks
 * (webhook, e-mail) through the outbox; watches worker types, dead-letter queues and backlogs (singletons); serves
 * the alert history, the status page and the dead-letter admin over HTTP.
 */
public final class AlertWorker extends RunningWorker {
    public static final String NAME = "alert-worker";
    public static final int DEFAULT_PORT = 8084;

    private AlertWorker(Lifecycle lifecycle, WebServer http) {
        super(lifecycle, http);
    }

    public static AlertWorker start(Env env) throws Exception {
        PurgelineConfig config = PurgelineConfig.from(env);
        SinkSettings sinks = SinkSettings.from(env);
        Duration watchEvery = env.millis("PURGELINE_WATCH_INTERVAL_MS", Duration.ofSeconds(1));
        Duration backlogWindow = env.millis("PURGELINE_BACKLOG_WINDOW_MS", Duration.ofMinutes(1));
        int backlogMin = env.integer("PURGELINE_BACKLOG_MIN", 1000);
        int keepDays = env.integer("PURGELINE_ALERT_KEEP_DAYS", 90);
        if (keepDays < 1) {
            throw new IllegalArgumentException("PURGELINE_ALERT_KEEP_DAYS must be at least 1, got " + keepDays);
        }
        Duration keepHistory = Duration.ofDays(keepDays);
        Topology topology = Topology.of(config);
        RedisKeys keys = RedisKeys.of(config);
        Clock clock = Clock.systemUTC();
        AdminKey admin = AdminKey.from(env);
        String owner = NAME + "/" + UUID.randomUUID();
        Lifecycle lifecycle = new Lifecycle(NAME);
        try {
            PrometheusMeterRegistry metrics = Metrics.registry(NAME);
            Database database = lifecycle.own("database", Database.connect(config.db(), 6));
            RedisClient redis = lifecycle.own("redis", Redis.connect(config.redis()));
            Broker broker = lifecycle.own("broker", Broker.connect(config.amqp(), NAME));
            broker.declare(topology);
            Publisher publisher = new Publisher(broker, config.codec());
            Alerts alerts = new Alerts(publisher, topology, NAME);
            DeadLetters dead = new DeadLetters(publisher, topology, alerts, metrics);

            List<Sink> configured = new ArrayList<>();
            if (sinks.webhookUrl() != null) {
                HttpClient client = SignedPost.startClient(NAME + "-webhook", 2);
                lifecycle.own("webhook client", client::stop);
                configured.add(new WebhookSink(client, sinks.webhookUrl(), sinks.webhookFormat(), sinks.timeout(),
                        config.codec()));
            }
            if (sinks.smtpHost() != null) {
                configured.add(new EmailSink(sinks));
            }
            Outbox outbox = new Outbox(database.jdbi(), config.codec());
            List<SinkDelivery> deliveries = new ArrayList<>();
            for (Sink sink : configured) {
                deliveries.add(lifecycle.own(sink.name() + " sink", SinkDelivery.start(sink, outbox, owner, clock,
                        sinks, metrics)));
            }
            AlertRecorder recorder = new AlertRecorder(database.jdbi(), config.codec(), clock, sinks.window(),
                    configured.stream().map(Sink::name).toList());
            lifecycle.own("alert windows", Singleton.start(redis, keys, "alert-windows", owner, Duration.ofSeconds(1),
                    new WindowCloser(recorder, deliveries, clock, keepHistory)));

            AlertLog log = new AlertLog();
            Counter received = metrics.counter("purgeline_alerts_received_total");
            Counter repeats = metrics.counter("purgeline_alerts_repeats_total");
            QueueConsumer consumer = lifecycle.own("alerts consumer", QueueConsumer.single(broker,
                    QueueConsumer.Spec.of(topology.alertsQueue(), Topology.Area.ALERTS), dead,
                    in -> valid(in.decode(config.codec(), Alert.class)),
                    (alert, in) -> {
                        // Recorded (and queued for the sinks) before the consumer acks.
                        AlertRecorder.Outcome outcome = recorder.record(alert, in.messageId());
                        if (outcome == AlertRecorder.Outcome.ALREADY_RECORDED) {
                            return;
                        }
                        log.write(alert);
                        received.increment();
                        if (outcome == AlertRecorder.Outcome.NOTIFIED) {
                            deliveries.forEach(SinkDelivery::wake);
                        } else {
                            repeats.increment();
                        }
                    }));

            lifecycle.own("module heartbeat", ModuleHeartbeat.start(redis, keys, NAME,
                    ModuleHeartbeat.thisInstance()));
            ModuleWatch modules = new ModuleWatch(redis, keys, alerts, clock, NAME);
            QueueWatch queues = new QueueWatch(broker, topology, alerts, clock, backlogWindow, backlogMin);
            lifecycle.own("watch", Singleton.start(redis, keys, "alert-watch", owner, watchEvery, lease -> {
                modules.run(lease);
                queues.run(lease);
            }));

            AlertHistory history = new AlertHistory(database.jdbi(), config.codec());
            StatusReport status = new StatusReport(database.jdbi(), redis, keys,
                    new OfflineNodes(redis, keys, config.codec()), broker, topology, config.retryDelays(), history,
                    clock);
            DeadLetterAdmin deadLetters = new DeadLetterAdmin(broker, publisher, topology);
            Refusals refusals = new Refusals(metrics);
            RequestVerifier verifier = new RequestVerifier(admin::secretsOf, new RedisNonces(redis, keys),
                    RequestVerifier.DEFAULT_WINDOW, clock, refusals);
            WebServer.Builder routes = WebServer.builder(NAME, HttpConfig.from(env, DEFAULT_PORT))
                    .route("GET", "/v1/alerts", call -> HttpReply.json(200, history.page(
                            limit(call.query("limit"), 50), before(call.query("before")), call.query("kind"),
                            call.query("severity"), call.query("subject"), since(call.query("since")))))
                    .route("GET", "/status", call -> HttpReply.text(200, "text/html; charset=utf-8",
                            StatusPage.render(status.read(), config.namespace())))
                    .route("GET", "/v1/status", call -> HttpReply.json(200, status.read()))
                    // Dead letters are for operators: replaying or dropping them needs the admin key.
                    .route("GET", "/v1/dead", AdminKey.only(verifier, refusals,
                            call -> HttpReply.json(200, Map.of("depths", deadLetters.depths()))))
                    .route("GET", "/v1/dead/{area}", AdminKey.only(verifier, refusals,
                            call -> HttpReply.json(200, Map.of("messages",
                                    deadLetters.list(call.pathParam("area"), limit(call.query("limit"), 50))))))
                    .route("POST", "/v1/dead/{area}/replay", AdminKey.only(verifier, refusals,
                            call -> HttpReply.json(200,
                                    deadLetters.replay(call.pathParam("area"), call.query("message_id")))))
                    .route("POST", "/v1/dead/{area}/drop", AdminKey.only(verifier, refusals,
                            call -> HttpReply.json(200, Map.of("dropped",
                                    deadLetters.drop(call.pathParam("area"), call.query("message_id"))))));
            Rates rates = lifecycle.own("stats rates", Rates.start(env).track("alerts", received::count));
            // The dead-letter queues too: nothing consumes them, so their depth is what Prometheus rules watch.
            Map<String, String> watched = new LinkedHashMap<>();
            watched.put("alerts", topology.alertsQueue());
            for (Topology.Area area : Topology.Area.values()) {
                watched.put(area.key() + ".dead", topology.deadQueue(area));
            }
            QueueDepths depths = new QueueDepths(broker, watched, metrics);
            WebServer http = lifecycle.own("http", Probes.install(routes,
                    () -> consumer.isRunning() && broker.isConnected() && database.isConnected(), metrics,
                    () -> {
                        Map<String, Object> stats = stats(received, repeats, configured, outbox);
                        stats.put("rates", rates.snapshot());
                        stats.put("queues", depths.snapshot());
                        return stats;
                    }).start());
            return new AlertWorker(lifecycle, http);
        } catch (Exception | Error e) {
            lifecycle.close();
            throw e;
        }
    }

    /** An alert without a kind or a message cannot be recorded or keyed: it is parked, not retried. */
    private static Alert valid(Alert alert) {
        if (alert.kind() == null || alert.kind().isBlank()) {
            throw new PoisonMessageException("alert has no kind");
        }
        if (alert.message() == null || alert.message().isBlank()) {
            throw new PoisonMessageException("alert " + alert.kind() + " has no message");
        }
        return alert;
    }

    private static Map<String, Object> stats(Counter received, Counter repeats, List<Sink> sinks, Outbox outbox) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("alerts_received", (long) received.count());
        out.put("alerts_repeated", (long) repeats.count());
        Map<String, Object> notifications = new LinkedHashMap<>();
        for (Sink sink : sinks) {
            try {
                notifications.put(sink.name(), outbox.counts(sink.name()));
            } catch (RuntimeException e) {
                notifications.put(sink.name(), "unavailable");
            }
        }
        out.put("notifications", notifications);
        return out;
    }

    private static int limit(String text, int def) {
        if (text == null) {
            return def;
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

    private static Long before(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw HttpError.badRequest("before must be an alert id (the 'next' of the previous page), got '" + text
                    + "'");
        }
    }

    private static Instant since(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw HttpError.badRequest("since must be an ISO-8601 instant such as 2026-11-30T10:00:00Z, got '" + text
                    + "'");
        }
    }
}
