package io.purgeline.testkit;

import io.purgeline.runtime.Broker;
import io.purgeline.runtime.Database;
import io.purgeline.runtime.Publisher;
import io.purgeline.runtime.PurgelineConfig;
import io.purgeline.runtime.Redis;
import io.purgeline.runtime.RedisKeys;
import io.purgeline.runtime.RegisteredNodes;
import io.purgeline.runtime.Topology;
import io.purgeline.service.Env;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * A namespace of its own on the real local services: a queue/exchange prefix with the topology declared, a Redis key
 * prefix and a database, all removed by {@link #close}. Tests use it through {@link TestNamespace}; the demo directly.
 */
public class Namespace implements AutoCloseable {
    private final Map<String, String> overrides = new HashMap<>();
    private Map<String, String> env;
    private PurgelineConfig config;
    private Broker broker;
    private Publisher publisher;
    private RedisClient redis;
    private Database database;

    /** Sets a configuration variable for this namespace (before the class starts). */
    public Namespace with(String name, String value) {
        overrides.put(name, value);
        return this;
    }

    /** Creates the namespace: a fresh random prefix with {@code prefix} in front, topology declared. */
    public Namespace open(String prefix) {
        String ns = prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Map<String, String> vars = new HashMap<>();
        vars.put("PURGELINE_NAMESPACE", ns);
        vars.put("PURGELINE_DB_NAME", "purgeline_" + ns);
        vars.put("PURGELINE_SAVES_PARTITIONS", "2");
        // Short backoff so that retry paths finish within a test's patience.
        vars.put("PURGELINE_RETRY_DELAYS_MS", "200,400");
        vars.put("PURGELINE_DISPATCH_MAX_ATTEMPTS", "3");
        // Tests, the demo and the benchmarks run with the development secrets, which workers otherwise refuse.
        vars.put("PURGELINE_DEV", "true");
        vars.putAll(overrides);
        env = Map.copyOf(vars);
        config = PurgelineConfig.from(new Env(env));
        broker = Broker.connect(config.amqp(), "test-" + ns);
        broker.declare(topology());
        publisher = new Publisher(broker, config.codec());
        return this;
    }

    /** Removes the database, the Redis keys, the queues and the exchanges of the namespace. */
    @Override
    public void close() throws Exception {
        if (database != null) {
            database.close();
        }
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://" + config.db().host() + ":"
                + config.db().port() + "/", config.db().user(), config.db().password());
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS `" + config.db().database() + "`");
        }
        RedisClient r = redis();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = r.scan(cursor, new ScanParams().match(keys().pattern()).count(500));
            if (!page.getResult().isEmpty()) {
                r.del(page.getResult().toArray(String[]::new));
            }
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        r.close();
        broker.withChannel(topology()::delete);
        broker.close();
    }

    /** The environment a worker process of this namespace is started with. */
    public Map<String, String> env() {
        return env;
    }

    public PurgelineConfig config() {
        return config;
    }

    public Topology topology() {
        return Topology.of(config);
    }

    public RedisKeys keys() {
        return RedisKeys.of(config);
    }

    public Broker broker() {
        return broker;
    }

    public Publisher publisher() {
        return publisher;
    }

    public synchronized RedisClient redis() {
        if (redis == null) {
            redis = Redis.connect(config.redis());
        }
        return redis;
    }

    /** The namespace's database, created and migrated on first use. */
    public synchronized Database database() {
        if (database == null) {
            database = Database.connect(config.db(), 4);
        }
        return database;
    }

    /** The node ids registered (what callback-worker accepts heartbeats from), as ingest records them. */
    public RegisteredNodes registeredNodes() {
        return new RegisteredNodes(redis(), keys());
    }

    /** Binds an exclusive queue of the test's own to an exchange, to see what is published there. */
    public Tap tap(String exchange, String bindingKey) {
        return Tap.open(broker, config.codec(), exchange, List.of(bindingKey));
    }

    /**
     * Consumes (and acks) exactly {@code count} messages from the given queues, waiting up to {@code timeout}. Uses a
     * consumer, not basic.get, which quorum queues with single active consumer (the saves partitions) refuse.
     */
    public List<Tap.Seen> take(List<String> queues, int count, java.time.Duration timeout) {
        List<Tap.Seen> got = new java.util.concurrent.CopyOnWriteArrayList<>();
        broker.withChannel(ch -> {
            ch.basicQos(count);
            List<String> tags = new java.util.ArrayList<>();
            for (String q : queues) {
                tags.add(ch.basicConsume(q, false, new com.rabbitmq.client.DefaultConsumer(ch) {
                    @Override
                    public void handleDelivery(String tag, com.rabbitmq.client.Envelope env,
                            com.rabbitmq.client.AMQP.BasicProperties props, byte[] body) throws java.io.IOException {
                        if (got.size() < count) {
                            got.add(new Tap.Seen(env.getRoutingKey(), body, props.getContentEncoding(),
                                    props.getHeaders() == null ? Map.of() : Map.copyOf(props.getHeaders()), props));
                            ch.basicAck(env.getDeliveryTag(), false);
                        } else {
                            ch.basicNack(env.getDeliveryTag(), false, true);
                        }
                    }
                }));
            }
            org.awaitility.Awaitility.await().atMost(timeout).until(() -> got.size() >= count);
            for (String tag : tags) {
                ch.basicCancel(tag);
            }
        });
        return List.copyOf(got);
    }

    /** Number of messages ready in a queue. */
    public long depth(String queue) {
        long[] n = new long[1];
        broker.withChannel(ch -> n[0] = ch.messageCount(queue));
        return n[0];
    }
}
