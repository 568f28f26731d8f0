package io.purgeline.bench;

import io.purgeline.testkit.EdgeCache;
import io.purgeline.testkit.EdgeCaches;
import io.purgeline.testkit.FreePorts;
import io.purgeline.testkit.SignedHttp;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The whole of purgeline on this machine, as deployed: each worker a process of its own, and {@code n} edge nodes,
 * each a real Varnish on its own loopback address (127.0.1.i) in front of an origin, with an edge agent beside it,
 * registered through the ingest API, and one customer, {@value #CUSTOMER}, for {@value #DOMAIN}, whose signed requests
 * {@link #post} and {@link #get} send. Used by the system tests and by {@code bin/purgeline demo}.
 */
public final class LocalStack implements AutoCloseable {
    /** The customer the stack is started with, and the domain of every URL its origins serve. */
    public static final String CUSTOMER = "acme";
    public static final String DOMAIN = "*.example.com";
    private static final Duration READY = Duration.ofSeconds(90);
    /** Edges started at once: enough to overlap their waits, few enough not to starve 2 cores of CPU. */
    private static final int EDGE_STARTERS = 4;

    /** One edge node: its origin, cache and agent. */
    public record Edge(String nodeId, Origin origin, EdgeCache cache, String cacheHost, int cachePort,
            WorkerProcess agent) {
        public CacheFetch.Response fetch(String url) throws IOException {
            return CacheFetch.get(cacheHost, cachePort, url);
        }
    }

    private final Path home;
    private final Map<String, String> env;
    private final Path logDir;
    // Synchronized: edges are added from several threads at once.
    private final List<WorkerProcess> workers = Collections.synchronizedList(new ArrayList<>());
    private final List<Edge> edges = Collections.synchronizedList(new ArrayList<>());
    private final List<AutoCloseable> others = Collections.synchronizedList(new ArrayList<>());
    private WorkerProcess ingest;
    private SignedHttp admin;
    private SignedHttp customer;
    private WorkerProcess callback;

    private LocalStack(Path home, Map<String, String> env, Path logDir) {
        this.home = home;
        this.env = env;
        this.logDir = logDir;
    }

    /** Starts every worker, then {@code edgeCount} edge nodes, and registers them. */
    public static LocalStack start(Path home, Map<String, String> env, Path logDir, int edgeCount) throws Exception {
        LocalStack stack = new LocalStack(home, env, logDir);
        try {
            stack.startWorkers();
            stack.addEdges(edgeCount);
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    /** The home of the project (where the modules' target/*.jar are), from -Dpurgeline.home or the working dir. */
    public static Path home() {
        return Path.of(System.getProperty("purgeline.home", ".")).toAbsolutePath().normalize();
    }

    private void startWorkers() throws Exception {
        callback = worker("callback-worker", "callback-worker", Map.of());
        List<WorkerProcess> started = new ArrayList<>(List.of(
                worker("saver-worker", "saver-worker", Map.of()),
                callback,
                worker("alert-worker", "alert-worker", Map.of()),
                worker("dispatch-worker", "dispatch-worker",
                        Map.of("PURGELINE_CALLBACK_API", callback.baseUrl() + "/v1/agent/callback"))));
        ingest = worker("ingest-worker", "ingest-worker", Map.of());
        admin = SignedHttp.admin(ingest.baseUrl());
        started.add(ingest);
        // All JVMs boot at once; readiness is awaited after, so start-up costs the slowest, not the sum.
        for (WorkerProcess w : started) {
            w.awaitReady(READY);
        }
        customer = admin.newCustomer(CUSTOMER, DOMAIN);
    }

    private WorkerProcess worker(String module, String name, Map<String, String> extra) throws IOException {
        Map<String, String> e = new HashMap<>(env);
        e.putAll(extra);
        e.put("PURGELINE_WORKER", name);
        WorkerProcess w = WorkerProcess.start(home, module, name, e, "127.0.0.1", FreePorts.any(), logDir);
        workers.add(w);
        return w;
    }

    /**
     * Adds edges 1 to {@code count} a few at a time: one after another, twenty of them took over three minutes on a
     * busy 2-core box (each waits for its Varnish child and its agent's JVM), most of it waiting, not working.
     */
    private void addEdges(int count) throws Exception {
        if (count == 0) {
            return;
        }
        ExecutorService starters = Executors.newFixedThreadPool(Math.min(count, EDGE_STARTERS));
        try {
            List<Future<Edge>> started = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                String nodeId = "edge-" + i;
                String ip = "127.0.1." + i;
                started.add(starters.submit(() -> addEdge(nodeId, ip)));
            }
            for (Future<Edge> f : started) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        } finally {
            starters.shutdown();
        }
        // The edges are listed in the order of their numbers, whatever order they came up in.
        synchronized (edges) {
            edges.sort(java.util.Comparator.comparingInt(e -> Integer.parseInt(e.nodeId().substring(5))));
        }
    }

    /** Adds an edge node on loopback address {@code ip}: origin, Varnish, agent; registers it with ingest. */
    public Edge addEdge(String nodeId, String ip) throws Exception {
        return addEdge(nodeId, ip, "varnish");
    }

    /** Adds an edge node whose cache is of {@code cacheKind} (varnish, nginx, ats, squid), with its reference config. */
    public Edge addEdge(String nodeId, String ip, String cacheKind) throws Exception {
        Origin origin = Origin.start("127.0.0.1", FreePorts.any());
        others.add(origin);
        int cachePort = FreePorts.on(ip);
        EdgeCache cache = EdgeCaches.start(cacheKind, home.resolve("edge-agent/src/main/resources"), origin.host(),
                origin.port(), ip, cachePort);
        others.add(cache);
        Map<String, String> e = new HashMap<>(env);
        e.put("PURGELINE_WORKER", "edge-agent");
        e.put("PURGELINE_NODE_ID", nodeId);
        e.put("PURGELINE_CACHE_KIND", cacheKind);
        e.put("PURGELINE_CACHE_URL", "http://" + ip + ":" + cachePort);
        e.put("PURGELINE_HEARTBEAT_URL", callback.baseUrl());
        WorkerProcess agent = WorkerProcess.start(home, "edge-agent", "agent-" + nodeId, e, ip, FreePorts.on(ip),
                logDir);
        workers.add(agent);
        agent.awaitReady(READY);
        registerNode(nodeId, ip + ":" + agent.port());
        Edge edge = new Edge(nodeId, origin, cache, ip, cachePort, agent);
        edges.add(edge);
        return edge;
    }

    /** Registers a node with ingest (also used to register nodes whose agent is deliberately absent). */
    public void registerNode(String nodeId, String address) throws Exception {
        HttpResponse<String> r = admin.post("/v1/nodes", "{\"node_id\":\"" + nodeId + "\",\"address\":\"" + address
                + "\",\"tier\":2,\"region\":\"local\"}");
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("registering " + nodeId + " failed: " + r.statusCode() + " " + r.body());
        }
    }

    /** A request to ingest signed as customer {@value #CUSTOMER}. */
    public HttpResponse<String> post(String path, String json) throws Exception {
        return customer.post(path, json);
    }

    /** A request to ingest signed as customer {@value #CUSTOMER}. */
    public HttpResponse<String> get(String path) throws Exception {
        return customer.get(path);
    }

    /** Signs as the operators (admin key of development). */
    public SignedHttp admin() {
        return admin;
    }

    public List<Edge> edges() {
        return List.copyOf(edges);
    }

    public List<WorkerProcess> workers() {
        return List.copyOf(workers);
    }

    public String ingestUrl() {
        return ingest.baseUrl();
    }

    /**
     * Stops every process at once with SIGKILL, then the caches and origins: for a benchmark whose namespace is thrown
     * away after, where a graceful drain of the backlog it built up would only cost minutes.
     */
    public void kill() throws Exception {
        for (WorkerProcess w : workers) {
            w.killNow();
        }
        for (WorkerProcess w : workers) {
            w.kill();
        }
        for (AutoCloseable c : others) {
            c.close();
        }
    }

    /** Stops every process with SIGTERM, intake first and the rest in reverse order of start; then caches, origins. */
    @Override
    public void close() throws Exception {
        List<WorkerProcess> order = new ArrayList<>(workers);
        java.util.Collections.reverse(order);
        if (ingest != null) {
            order.remove(ingest);
            order.add(0, ingest);
        }
        for (WorkerProcess w : order) {
            w.close();
        }
        for (AutoCloseable c : others) {
            c.close();
        }
    }
}
