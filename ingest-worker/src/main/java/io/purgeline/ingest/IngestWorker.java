package io.purgeline.ingest;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.purgeline.contracts.Codec;
import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.Broker;
import io.purgeline.runtime.Database;
import io.purgeline.runtime.DeadLetters;
import io.purgeline.runtime.ModuleHeartbeat;
import io.purgeline.runtime.Publisher;
import io.purgeline.runtime.PurgelineConfig;
import io.purgeline.runtime.QueueConsumer;
import io.purgeline.runtime.NodeCaches;
import io.purgeline.runtime.QueueDepths;
import io.purgeline.runtime.Redis;
import io.purgeline.runtime.RedisKeys;
import io.purgeline.runtime.RedisNonces;
import io.purgeline.runtime.RegisteredNodes;
import io.purgeline.runtime.Topology;
import io.purgeline.service.AdminKey;
import io.purgeline.service.Env;
import io.purgeline.service.HttpConfig;
import io.purgeline.service.Lifecycle;
import io.purgeline.service.Metrics;
import io.purgeline.service.Probes;
import io.purgeline.service.Rates;
import io.purgeline.service.Refusals;
import io.purgeline.service.RequestVerifier;
import io.purgeline.service.RunningWorker;
import io.purgeline.service.Secrets;
import io.purgeline.service.WebServer;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import redis.clients.jedis.RedisClient;

/**
 * Wires ingest-worker: the AMQP and HTTP intakes of tasks, both through one {@link TaskIntake}, the task status API
 * and the node registry.
 */
public final class IngestWorker extends RunningWorker {
    public static final String NAME = "ingest-worker";
    public static final int DEFAULT_HTTP_PORT = 8080;
    /** HTTP threads and AMQP consumers each hold a connection only for one short query or upsert. */
    private static final int DB_POOL_SIZE = 8;
    /** Seals customer secrets in the database. */
    public static final String CUSTOMER_MASTER_KEY = "PURGELINE_CUSTOMER_MASTER_KEY";
    /** Published with the code: accepted only with {@code PURGELINE_DEV=true}. */
    public static final String DEV_CUSTOMER_MASTER_KEY = "purgeline-dev-customer-master";

    private IngestWorker(Lifecycle lifecycle, WebServer http) {
        super(lifecycle, http);
    }

    public static IngestWorker start(Env env) throws Exception {
        PurgelineConfig config = PurgelineConfig.from(env);
        IngestSettings settings = IngestSettings.from(env);
        Secrets secrets = new Secrets(env);
        AdminKey admin = AdminKey.from(env);
        Topology topology = Topology.of(config);
        Codec codec = config.codec();
        Lifecycle lifecycle = new Lifecycle(NAME);
        try {
            PrometheusMeterRegistry metrics = Metrics.registry(NAME);
            Database database = lifecycle.own("database", Database.connect(config.db(), DB_POOL_SIZE));
            RedisClient redis = lifecycle.own("redis", Redis.connect(config.redis()));
            Broker broker = lifecycle.own("broker", Broker.connect(config.amqp(), NAME));
            broker.declare(topology);
            Publisher publisher = new Publisher(broker, codec);
            DeadLetters dead = new DeadLetters(publisher, topology, new Alerts(publisher, topology, NAME), metrics);

            NodeRegistry nodes = new NodeRegistry(database.jdbi(), new RegisteredNodes(redis, RedisKeys.of(config)));
            nodes.publishRegistered();
            Customers customers = new Customers(database.jdbi(),
                    secrets.get(CUSTOMER_MASTER_KEY, DEV_CUSTOMER_MASTER_KEY));
            Refusals refusals = new Refusals(metrics);
            RequestVerifier verifier = new RequestVerifier(ApiAuth.keys(admin, customers),
                    new RedisNonces(redis, RedisKeys.of(config)), settings.signatureWindow(), Clock.systemUTC(),
                    refusals);
            ApiAuth auth = new ApiAuth(verifier, refusals, customers);
            AcceptedMarkers markers = new AcceptedMarkers(redis, RedisKeys.of(config));
            IntakeCounters counters = new IntakeCounters(metrics);
            TaskIntake intake = new TaskIntake(new TaskValidator(settings.maxTargets()),
                    new CustomerAdmission(customers), refusals, nodes,
                    new TaskExpander(settings.dispatchChunk()), new ExpansionPublisher(publisher, topology, settings.dispatchChunk()), markers,
                    new TaskEvents(publisher, topology), counters);
            QueueConsumer consumer = lifecycle.own("submissions consumer",
                    AmqpSubmissions.start(broker, topology, dead, codec, intake, settings.consumers(),
                            settings.upstreamUser(), refusals));

            TaskStatusReader status = new TaskStatusReader(database.jdbi(), redis, RedisKeys.of(config), markers);
            WebServer.Builder routes = WebServer.builder(NAME, HttpConfig.from(env, DEFAULT_HTTP_PORT));
            // Owned before HTTP, so it accepts what HTTP handed it after HTTP has stopped taking submissions.
            SubmissionBatcher submissions = lifecycle.own("http submissions",
                    SubmissionBatcher.start(intake, verifier));
            new TaskRoutes(submissions, status, new TaskListing(database.jdbi()), codec, auth).install(routes);
            new CustomerRoutes(customers, codec, auth).install(routes);
            new NodeRoutes(nodes, codec, auth).install(routes);
            new CacheRoutes(nodes, new NodeCaches(redis, RedisKeys.of(config)), auth).install(routes);
            QueueDepths queues = new QueueDepths(broker, Map.of("ingest", topology.ingestQueue()), metrics);
            Rates rates = lifecycle.own("stats rates", Rates.start(env)
                    .track("amqp", () -> counters.receivedTotal(IntakeCounters.Source.AMQP))
                    .track("http", () -> counters.receivedTotal(IntakeCounters.Source.HTTP))
                    .track("accepted", counters::acceptedTotal)
                    .track("rejected", counters::rejectedTotal));
            Probes.install(routes,
                    () -> consumer.isRunning() && broker.isConnected() && database.isConnected(),
                    metrics, () -> stats(counters, rates, queues));
            // alert-worker alerts when a worker type has no live instance left (module_down).
            lifecycle.own("module heartbeat", ModuleHeartbeat.start(redis, RedisKeys.of(config), NAME, ModuleHeartbeat.thisInstance()));
            WebServer http = lifecycle.own("http", routes.start());
            return new IngestWorker(lifecycle, http);
        } catch (Exception | Error e) {
            lifecycle.close();
            throw e;
        }
    }

    private static Map<String, Object> stats(IntakeCounters counters, Rates rates, QueueDepths queues) {
        Map<String, Object> out = new LinkedHashMap<>(counters.snapshot());
        Map<String, Object> depths = queues.snapshot();
        out.put("ingest_queue_depth", depths.get("ingest"));
        out.put("rates", rates.snapshot());
        out.put("queues", depths);
        return out;
    }
}
