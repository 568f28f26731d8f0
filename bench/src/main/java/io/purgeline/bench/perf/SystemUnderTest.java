package io.purgeline.bench.perf;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.purgeline.bench.LocalStack;
import io.purgeline.bench.WorkerProcess;
import io.purgeline.bench.fleet.Fleet;
import io.purgeline.bench.fleet.FleetConfig;
import io.purgeline.bench.fleet.FleetNode;
import io.purgeline.contracts.Lane;
import io.purgeline.runtime.PurgelineConfig;
import io.purgeline.runtime.Topology;
import io.purgeline.service.AgentKeys;
import io.purgeline.service.Env;
import io.purgeline.testkit.Namespace;
import io.purgeline.testkit.SignedHttp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * purgeline as the benchmark drives it: every worker a process started from {@code --home}'s jars (LocalStack), real
 * Varnish edges when asked for, simulated fleets added on demand (each node registered through the node API with a
 * region, so that tasks can be scoped to one fleet), a task submitter and the task events.
 */
public final class SystemUnderTest implements AutoCloseable {
    /** Node registrations in flight at once: enough to register 5,000 nodes in seconds, not a load test of its own. */
    private static final int REGISTRATIONS_IN_FLIGHT = 16;

    private final Namespace ns;
    private final LocalStack stack;
    private final Connection amqp;
    private final TaskEvents events;
    private final Submitter submitter;
    private final List<Fleet> fleets = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private SystemUnderTest(Namespace ns, LocalStack stack, Connection amqp, TaskEvents events, Submitter submitter) {
        this.ns = ns;
        this.stack = stack;
        this.amqp = amqp;
        this.events = events;
        this.submitter = submitter;
    }

    /** Starts the workers and {@code edges} Varnish edges (region {@code local}) in the namespace. */
    public static SystemUnderTest start(Path home, Namespace ns, Path logDir, int edges) throws Exception {
        LocalStack stack = LocalStack.start(home, ns.env(), logDir, edges);
        Connection amqp = null;
        try {
            amqp = connect(ns.config().amqp(), "bench-" + ns.config().namespace());
            Topology t = ns.topology();
            TaskEvents events = TaskEvents.open(amqp, t.eventsExchange());
            Submitter submitter = Submitter.open(amqp, t.tasksExchange(), ns.config().amqp().user(),
                    stack.admin().newCustomer(Tasks.CUSTOMER, Tasks.DOMAIN));
            return new SystemUnderTest(ns, stack, amqp, events, submitter);
        } catch (Exception | Error e) {
            if (amqp != null) {
                amqp.close();
            }
            stack.close();
            throw e;
        }
    }

    /** A connection of the harness's own (never the workers' code paths), for submissions and events. */
    public static Connection connect(PurgelineConfig.Amqp a, String name) throws Exception {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(a.host());
        f.setPort(a.port());
        f.setUsername(a.user());
        f.setPassword(a.password());
        f.setVirtualHost(a.vhost());
        return f.newConnection(name);
    }

    /**
     * Starts a simulated fleet whose callbacks and heartbeats go to this system's callback-worker, and registers every
     * node (tier 2, the given region). Node ids are {@code prefix1…}; addresses from {@code 127.<firstBlock>.0.1}.
     */
    public Fleet addFleet(int nodes, String prefix, int firstBlock, String region, Duration latency)
            throws Exception {
        return addFleet(nodes, prefix, firstBlock, i -> region, latency);
    }

    /** The same, with each node's region chosen by its index from 0. */
    public Fleet addFleet(int nodes, String prefix, int firstBlock, java.util.function.IntFunction<String> regionOf,
            Duration latency) throws Exception {
        Fleet fleet = Fleet.start(FleetConfig.of(nodes, URI.create(worker("callback-worker").baseUrl()),
                        AgentKeys.from(new Env(ns.env())))
                .withIdPrefix(prefix).withFirstBlock(firstBlock).withLatency(latency));
        fleets.add(fleet);
        Semaphore inFlight = new Semaphore(REGISTRATIONS_IN_FLIGHT);
        List<CompletableFuture<?>> all = new ArrayList<>();
        List<FleetNode> members = fleet.nodes();
        for (int i = 0; i < members.size(); i++) {
            FleetNode n = members.get(i);
            inFlight.acquire();
            all.add(registerAsync(n.nodeId(), n.address(), regionOf.apply(i)).whenComplete((r, e) -> inFlight.release()));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        return fleet;
    }

    /** Closes a fleet before the run is over (its nodes stay registered; tasks scoped to other regions skip them). */
    public void removeFleet(Fleet fleet) {
        fleets.remove(fleet);
        fleet.close();
    }

    public void register(String nodeId, String address, String region) {
        registerAsync(nodeId, address, region).join();
    }

    private CompletableFuture<Void> registerAsync(String nodeId, String address, String region) {
        String json = "{\"node_id\":\"" + nodeId + "\",\"address\":\"" + address + "\",\"tier\":2,\"region\":\""
                + region + "\"}";
        return http.sendAsync(SignedHttp.admin(stack.ingestUrl()).request("POST", "/v1/nodes",
                        json.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        Map.of("Content-Type", "application/json")), HttpResponse.BodyHandlers.ofString())
                .thenAccept(r -> {
                    if (r.statusCode() / 100 != 2) {
                        throw new IllegalStateException("registering " + nodeId + " failed: " + r.statusCode() + " "
                                + r.body());
                    }
                });
    }

    public WorkerProcess worker(String name) {
        return stack.workers().stream().filter(w -> w.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no worker " + name));
    }

    public List<WorkerProcess> processes() {
        return stack.workers();
    }

    public LocalStack stack() {
        return stack;
    }

    public TaskEvents events() {
        return events;
    }

    public Submitter submitter() {
        return submitter;
    }

    public String ingestUrl() {
        return stack.ingestUrl();
    }

    /** {@code {ns}.tasks}, where upstream publishes submissions. */
    /** The AMQP user the harness publishes as: the upstream user ingest takes submissions from. */
    public String amqpUser() {
        return ns.config().amqp().user();
    }

    public String topologyTasksExchange() {
        return ns.topology().tasksExchange();
    }

    public Connection amqp() {
        return amqp;
    }

    /**
     * Messages waiting in every queue of the pipeline (ready, not counting those delivered and unacked), by queue.
     * A queue this build does not declare is left out.
     */
    public Map<String, Long> backlog() {
        Topology t = ns.topology();
        List<String> queues = new ArrayList<>(List.of(t.ingestQueue()));
        for (Lane lane : Lane.values()) {
            queues.add(t.laneQueue(lane));
        }
        queues.addAll(t.savesQueues());
        Map<String, Long> depth = new LinkedHashMap<>();
        for (String q : queues) {
            try {
                depth.put(q.substring(ns.config().namespace().length() + 1), ns.depth(q));
            } catch (RuntimeException absent) {
                // Not part of this build's topology.
            }
        }
        return depth;
    }

    /**
     * Node results recorded durably so far: subtask rows in a final state in the namespace's database, read with
     * plain JDBC (the harness must not migrate the schema of another build). Null when this build's schema differs.
     */
    public Long recordedNodeResults() {
        return count("SELECT COUNT(*) FROM subtasks WHERE state IN ('done', 'failed', 'expired')");
    }

    /**
     * Nodes declared offline so far (alerts recorded by alert-worker). A load that gets nodes declared offline
     * measures their work being parked, not the pipeline: a figure beside every throughput result says whether it did.
     */
    public Long nodesDeclaredOffline() {
        return count("SELECT COUNT(*) FROM alerts WHERE kind = 'node_offline'");
    }

    /**
     * When each of these tasks was accepted, when its first and last nodes started and its last finished (the agents'
     * clocks), and when the saver wrote its last subtask row, in epoch milliseconds, by task id; read with plain JDBC
     * as {@link #recordedNodeResults}. A task without rows is absent; empty when this build's schema differs.
     */
    public Map<String, long[]> taskTimes(List<String> taskIds) {
        Map<String, long[]> times = new LinkedHashMap<>();
        if (taskIds.isEmpty()) {
            return times;
        }
        PurgelineConfig.Db db = ns.config().db();
        String sql = "SELECT t.task_id, t.accepted_at, MIN(s.started_at), MAX(s.started_at), MAX(s.finished_at),"
                + " MAX(s.updated_at)"
                + " FROM tasks t JOIN subtasks s ON s.task_id = t.task_id WHERE t.task_id IN ("
                + String.join(",", java.util.Collections.nCopies(taskIds.size(), "?")) + ") GROUP BY t.task_id";
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                java.sql.PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < taskIds.size(); i++) {
                s.setString(i + 1, taskIds.get(i));
            }
            try (java.sql.ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long[] t = new long[5];
                    for (int i = 0; i < t.length; i++) {
                        java.time.LocalDateTime at = r.getObject(i + 2, java.time.LocalDateTime.class);
                        t[i] = at == null ? -1 : at.toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
                    }
                    times.put(r.getString(1), t);
                }
            }
        } catch (java.sql.SQLException e) {
            return Map.of();
        }
        return times;
    }

    private Long count(String sql) {
        PurgelineConfig.Db db = ns.config().db();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
                java.sql.Statement s = c.createStatement();
                java.sql.ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        } catch (java.sql.SQLException e) {
            return null;
        }
    }

    /**
     * Kills the workers (SIGKILL: the namespace is dropped after, so draining the backlog a load left would only cost
     * time), then closes the fleets in the background: each node waits a bounded time for results it can no longer
     * deliver, which costs nothing but the wait, and the next scenario need not sit through it.
     */
    @Override
    public void close() throws Exception {
        try {
            events.close();
            submitter.close();
            amqp.close();
        } finally {
            stack.kill();
            for (Fleet f : fleets) {
                Thread closing = new Thread(f::close, "bench-fleet-close");
                closing.setDaemon(true);
                closing.start();
            }
        }
    }
}
