package io.purgeline.bench.fleet;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.purgeline.agent.AgentNode;
import io.purgeline.agent.AgentResources;
import io.purgeline.agent.AgentSettings;
import io.purgeline.agent.TaskEndpoint;
import io.purgeline.service.HttpConfig;
import io.purgeline.service.HttpReply;
import io.purgeline.service.Lifecycle;
import io.purgeline.service.Metrics;
import io.purgeline.service.Routes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many edge nodes in one process, each on its own loopback address, each running the real agent code (signed task
 * endpoint, duplicate suppression, subtask runner, signed result callbacks, heartbeats) against a {@link
 * SimulatedCache}. All nodes share one HTTP server thread pool, one HTTP client, one pool of worker threads and one
 * timer, so hundreds of nodes cost a few dozen threads. Any node can be switched offline: its address refuses
 * connections and it stops heartbeating, until it is switched back. Every subtask executed is recorded.
 */
public final class Fleet implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Fleet.class);
    public static final String NAME = "edge-fleet";
    /** Serve every node's requests (each is short: verify, queue, answer 202) and carry the client's async I/O. */
    private static final int HTTP_THREADS = 12;
    private static final int CLIENT_THREADS = 12;
    /** Connections to one destination (callback-worker) for all nodes together. */
    private static final int CONNECTIONS_PER_DESTINATION = 64;
    /**
     * Heartbeat connections for all nodes together. Each real agent heartbeats on a connection of its own; shared by
     * a thousand nodes, four connections queued their heartbeats behind one another whenever callback-worker was slow
     * to answer under load, until nodes were declared offline and their work parked (100 to 400 of 1,000 nodes in a
     * minute of the throughput benchmark). One connection per ten nodes keeps a heartbeat's wait near one answer's.
     */
    private static int heartbeatConnections(int nodes) {
        return Math.max(4, nodes / 10);
    }

    /** The simulated cache is never reached over HTTP; a real agent's default, for completeness of its settings. */
    private static final Duration CACHE_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CALLBACK_TIMEOUT = Duration.ofSeconds(5);

    /** One node and its switch. */
    private static final class Member {
        final FleetNode node;
        final InetSocketAddress address;
        final AgentNode agent;
        boolean offline;

        Member(FleetNode node, InetSocketAddress address, AgentNode agent) {
            this.node = node;
            this.address = address;
            this.agent = agent;
        }
    }

    private final FleetConfig config;
    private final Lifecycle lifecycle;
    private final MultiAddressServer server;
    private final Map<String, Member> members;
    private final Queue<Execution> executions;

    private Fleet(FleetConfig config, Lifecycle lifecycle, MultiAddressServer server, Map<String, Member> members,
            Queue<Execution> executions) {
        this.config = config;
        this.lifecycle = lifecycle;
        this.server = server;
        this.members = members;
        this.executions = executions;
    }

    /** Starts every node; when this returns, each listens and has sent (or is sending) its first heartbeat. */
    public static Fleet start(FleetConfig config) throws Exception {
        Lifecycle lifecycle = new Lifecycle(NAME);
        try {
            PrometheusMeterRegistry metrics = Metrics.registry(NAME);
            AgentResources shared = lifecycle.own("shared agent resources", AgentResources.start(NAME,
                    config.workerThreads(), CLIENT_THREADS, CONNECTIONS_PER_DESTINATION,
                    heartbeatConnections(config.nodes()), metrics));
            // One client for all nodes: let each node queue as many callbacks as its own client would.
            shared.client().setMaxRequestsQueuedPerDestination(Math.max(1024, config.nodes() * 64));
            Map<String, Member> members = new LinkedHashMap<>();
            lifecycle.own("nodes", () -> closeAll(members.values()));
            MultiAddressServer server = lifecycle.own("http", MultiAddressServer.start(NAME, config.controlHost(),
                    HTTP_THREADS, HttpConfig.DEFAULT_MAX_BODY_BYTES));
            Queue<Execution> executions = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < config.nodes(); i++) {
                String nodeId = config.nodeId(i);
                AgentNode agent = AgentNode.start(settings(config, nodeId),
                        new SimulatedCache(config.latency(), config.failureRate()), shared,
                        result -> executions.add(Execution.of(nodeId, result)));
                InetSocketAddress bound;
                try {
                    bound = server.open(new InetSocketAddress(config.addressOf(i), config.port()), routes(agent));
                } catch (IOException | RuntimeException e) {
                    agent.close();
                    throw e;
                }
                FleetNode node = new FleetNode(nodeId, bound.getAddress().getHostAddress() + ":" + bound.getPort());
                members.put(nodeId, new Member(node, bound, agent));
            }
            Fleet fleet = new Fleet(config, lifecycle, server, members, executions);
            server.routeControl(fleet.controlRoutes(metrics));
            log.info("fleet of {} simulated nodes from {} to {}; control at {}", config.nodes(),
                    fleet.nodes().get(0).address(), fleet.nodes().get(config.nodes() - 1).address(),
                    fleet.controlUrl());
            return fleet;
        } catch (Exception | Error e) {
            lifecycle.close();
            throw e;
        }
    }

    /** A real agent's default bound on the results it remembers. */
    private static final long REMEMBER_BYTES = 8 << 20;

    private static AgentSettings settings(FleetConfig config, String nodeId) {
        return new AgentSettings(nodeId, SimulatedCache.KIND, null, config.callbackBase(),
                config.heartbeatInterval(), config.nodeWorkers(), config.nodeQueue(), CACHE_TIMEOUT, CALLBACK_TIMEOUT,
                config.rememberSubtasks(), config.rememberFor(), REMEMBER_BYTES, config.keys().forNode(nodeId));
    }

    /** What a real agent serves, less {@code /metrics}, which the fleet serves once on its control address. */
    private static Routes routes(AgentNode agent) {
        return Routes.builder()
                .routeAsync("POST", TaskEndpoint.PATH, agent.taskRoute())
                .route("GET", "/healthz", call -> HttpReply.json(200, Map.of("status", "ok")))
                .route("GET", "/readyz", call -> agent.ready()
                        ? HttpReply.json(200, Map.of("status", "ready"))
                        : HttpReply.error(503, "not_ready", "the agent is stopping"))
                .route("GET", "/stats", call -> HttpReply.json(200, agent.stats()))
                .build();
    }

    private Routes controlRoutes(PrometheusMeterRegistry metrics) {
        return Routes.builder()
                .route("GET", "/healthz", call -> HttpReply.json(200, Map.of("status", "ok")))
                .route("GET", "/stats", call -> HttpReply.json(200, stats()))
                .route("GET", "/v1/fleet/nodes", call -> HttpReply.json(200, nodeStates()))
                .route("GET", "/metrics", call -> HttpReply.text(200, "text/plain; version=0.0.4; charset=utf-8",
                        metrics.scrape()))
                .build();
    }

    /** Every node, in order: id and {@code host:port}. */
    public List<FleetNode> nodes() {
        return members.values().stream().map(m -> m.node).toList();
    }

    public FleetNode node(String nodeId) {
        return member(nodeId).node;
    }

    /**
     * Switches a node offline (its address refuses connections, open ones are dropped, heartbeats stop) or back
     * online (it listens again on the same address and port, and heartbeats at once). Returns when done. Subtasks the
     * node accepted before going offline still finish and report their results.
     */
    public void setOffline(String nodeId, boolean offline) {
        Member m = member(nodeId);
        synchronized (m) {
            if (m.offline == offline) {
                return;
            }
            if (offline) {
                m.agent.heartbeating(false);
                server.refuse(m.address);
            } else {
                try {
                    server.reopen(m.address);
                } catch (IOException e) {
                    throw new UncheckedIOException("node " + nodeId + " cannot come back online", e);
                }
                m.agent.heartbeating(true);
            }
            m.offline = offline;
            log.info("node {} at {} is {}", nodeId, m.node.address(), offline ? "offline" : "online again");
        }
    }

    public boolean isOffline(String nodeId) {
        Member m = member(nodeId);
        synchronized (m) {
            return m.offline;
        }
    }

    /** Every subtask executed so far, by any node, in the order they finished. */
    public List<Execution> executions() {
        return List.copyOf(executions);
    }

    /** Subtasks delivered again while running or after finishing, which no node executed twice. */
    public long duplicatesSuppressed() {
        return members.values().stream().mapToLong(m -> m.agent.duplicatesSuppressed()).sum();
    }

    /** The fleet's own endpoints: {@code /stats}, {@code /v1/fleet/nodes}, {@code /metrics}. */
    public String controlUrl() {
        InetSocketAddress control = server.controlAddress();
        return "http://" + control.getAddress().getHostAddress() + ":" + control.getPort();
    }

    public FleetConfig config() {
        return config;
    }

    private Map<String, Object> stats() {
        Map<String, Long> byState = new LinkedHashMap<>();
        for (Execution e : executions) {
            byState.merge(e.state().wire(), 1L, Long::sum);
        }
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("nodes", members.size());
        stats.put("offline", members.values().stream().filter(m -> isOffline(m.node.nodeId())).count());
        stats.put("executions", byState);
        stats.put("duplicates_suppressed", duplicatesSuppressed());
        stats.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
        return stats;
    }

    private List<Map<String, Object>> nodeStates() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Member m : members.values()) {
            Map<String, Object> node = new LinkedHashMap<>();
            node.put("node_id", m.node.nodeId());
            node.put("address", m.node.address());
            node.put("offline", isOffline(m.node.nodeId()));
            out.add(node);
        }
        return out;
    }

    private Member member(String nodeId) {
        Member m = members.get(nodeId);
        if (m == null) {
            throw new IllegalArgumentException("no node '" + nodeId + "' in this fleet (" + config.idPrefix() + "1 to "
                    + config.idPrefix() + members.size() + ")");
        }
        return m;
    }

    /**
     * Closes the nodes side by side: each waits (bounded) for its results still on their way, and one after another
     * a backlog would cost that wait times the size of the fleet.
     */
    private static void closeAll(Collection<Member> members) throws InterruptedException {
        List<Thread> closing = new ArrayList<>();
        for (Member m : members) {
            Thread t = new Thread(() -> {
                try {
                    m.agent.close();
                } catch (Exception e) {
                    log.warn("node {} did not close cleanly: {}", m.agent.nodeId(), e.toString());
                }
            }, "fleet-close-" + m.agent.nodeId());
            t.start();
            closing.add(t);
        }
        for (Thread t : closing) {
            t.join();
        }
    }

    /** Stops every address first, then lets each node finish its work and deliver its results. */
    @Override
    public void close() {
        lifecycle.close();
    }
}
