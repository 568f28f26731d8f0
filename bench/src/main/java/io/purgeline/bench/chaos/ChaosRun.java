package io.purgeline.bench.chaos;

import io.purgeline.bench.WorkerProcess;
import io.purgeline.bench.fleet.Execution;
import io.purgeline.bench.fleet.Fleet;
import io.purgeline.bench.fleet.FleetConfig;
import io.purgeline.bench.fleet.FleetNode;
import io.purgeline.contracts.Lane;
import io.purgeline.contracts.TaskSubmission;
import io.purgeline.runtime.BrokerException;
import io.purgeline.runtime.Outgoing;
import io.purgeline.runtime.Topology;
import io.purgeline.service.AgentKeys;
import io.purgeline.service.Env;
import io.purgeline.testkit.FreePorts;
import io.purgeline.testkit.Namespace;
import io.purgeline.testkit.SignedHttp;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A chaos run: every worker as a process (two savers), a simulated fleet, a steady load of refresh tasks over AMQP,
 * and one fault after another — each worker type SIGKILLed and restarted twice and stopped gracefully once,
 * RabbitMQ and Redis restarted once each, a few nodes taken offline and back. Then it checks the promises: every
 * accepted task final, per-node counts exact in MariaDB and Redis, every executed subtask recorded as it was
 * executed, and nothing left in any queue.
 */
public final class ChaosRun {
    private static final Duration READY = Duration.ofSeconds(120);
    private static final List<String> FINAL = List.of("completed", "failed", "expired");

    private final Path home;
    private final Namespace ns;
    private final ChaosConfig config;
    private final Path logDir;
    private final PrintStream out;
    private final Map<String, WorkerProcess> workers = new HashMap<>();
    private final List<String> accepted = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private int kills;
    private int restarts;

    private ChaosRun(Path home, Namespace ns, ChaosConfig config, Path logDir, PrintStream out) {
        this.home = home;
        this.ns = ns;
        this.config = config;
        this.logDir = logDir;
        this.out = out;
    }

    /** Settings for the workers that make faults resolve within a run: short backoff, timeouts and ticks. */
    public static Map<String, String> workerSettings() {
        return Map.of(
                "PURGELINE_SAVES_PARTITIONS", "4",
                "PURGELINE_RETRY_DELAYS_MS", "500,1000,2000",
                "PURGELINE_DISPATCH_MAX_ATTEMPTS", "6",
                "PURGELINE_INFLIGHT_TIMEOUT_MS", "8000",
                "PURGELINE_NODE_HEARTBEAT_TIMEOUT_MS", "5000",
                "PURGELINE_SAVER_TICK_MS", "500",
                "PURGELINE_DEADLINE_SWEEP_MS", "1000");
    }

    /** Runs against a namespace opened with {@link #workerSettings()}. */
    public static ChaosReport run(Path home, Namespace ns, ChaosConfig config, Path logDir, PrintStream out)
            throws Exception {
        return new ChaosRun(home, ns, config, logDir, out).run();
    }

    private ChaosReport run() throws Exception {
        Fleet fleet = null;
        try {
            startWorkers();
            Map<String, String> env = ns.env();
            fleet = Fleet.start(FleetConfig.of(config.nodes(), URI.create(workers.get("callback-worker").baseUrl()),
                            AgentKeys.from(new Env(env)))
                    .withFailureRate(config.failureRate())
                    .withHeartbeatInterval(Duration.ofSeconds(1)));
            for (FleetNode n : fleet.nodes()) {
                register(n);
            }
            SignedHttp.admin(workers.get("ingest-worker").baseUrl()).newCustomer("chaos", "www.example.com");
            say("%d workers and %d simulated nodes up; load of %.1f tasks/s starts", workers.size(),
                    fleet.nodes().size(), config.tasksPerSecond());

            AtomicBoolean loading = new AtomicBoolean(true);
            Thread submitter = new Thread(() -> submit(loading), "chaos-submitter");
            submitter.start();
            faults(fleet);
            loading.set(false);
            submitter.join();
            say("load stopped after %d tasks; waiting for every task to be final", accepted.size());
            awaitFinal();
            return check(fleet);
        } finally {
            if (fleet != null) {
                fleet.close();
            }
            for (WorkerProcess w : workers.values()) {
                w.close();
            }
        }
    }

    private void startWorkers() throws Exception {
        Map<String, String> env = new HashMap<>(ns.env());
        start("callback-worker", "callback-worker", env);
        env.put("PURGELINE_CALLBACK_API", workers.get("callback-worker").baseUrl() + "/v1/agent/callback");
        start("saver-worker", "saver-worker-1", env);
        start("saver-worker", "saver-worker-2", env);
        start("alert-worker", "alert-worker", env);
        start("dispatch-worker", "dispatch-worker", env);
        start("ingest-worker", "ingest-worker", env);
        for (WorkerProcess w : workers.values()) {
            w.awaitReady(READY);
        }
    }

    private void start(String module, String name, Map<String, String> env) throws Exception {
        Map<String, String> e = new HashMap<>(env);
        e.put("PURGELINE_WORKER", name);
        workers.put(name, WorkerProcess.start(home, module, name, e, "127.0.0.1", FreePorts.any(), logDir));
    }

    private void register(FleetNode n) throws Exception {
        HttpResponse<String> r = SignedHttp.admin(workers.get("ingest-worker").baseUrl()).post("/v1/nodes",
                "{\"node_id\":\"" + n.nodeId() + "\",\"address\":\"" + n.address()
                        + "\",\"tier\":2,\"region\":\"sim\"}");
        if (r.statusCode() != 201 && r.statusCode() != 200) {
            throw new IllegalStateException("registering " + n.nodeId() + ": " + r.statusCode() + " " + r.body());
        }
    }

    /** Publishes tasks at the configured rate as an upstream would; a task counts once the broker confirmed it. */
    private void submit(AtomicBoolean loading) {
        long periodNanos = (long) (1e9 / config.tasksPerSecond());
        long next = System.nanoTime();
        int n = 0;
        while (loading.get()) {
            // Scoped to its customer already, as intake would scope it: the checks below find it by this id.
            String taskId = "chaos:chaos-" + (++n);
            TaskSubmission task = new TaskSubmission(taskId, "chaos", "refresh",
                    List.of("http://www.example.com/chaos/" + n + ".js"), null, null, null, 5, null, null);
            Outgoing message = Outgoing.of(ns.topology().tasksExchange(), Topology.SUBMIT_KEY, "task.submit", task)
                    .messageId(taskId);
            while (true) {
                try {
                    ns.publisher().publish(message);
                    accepted.add(taskId);
                    break;
                } catch (BrokerException e) {
                    // The broker is restarting: an upstream retries until its task is confirmed.
                    pause(Duration.ofMillis(200));
                }
            }
            next += periodNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                pause(Duration.ofNanos(wait));
            }
        }
    }

    private void faults(Fleet fleet) throws Exception {
        List<String> types = List.of("dispatch-worker", "saver-worker-1", "callback-worker", "ingest-worker",
                "alert-worker");
        List<FleetNode> flaky = fleet.nodes().subList(0, 3);
        gap();
        for (String w : types) {
            kill(w);
        }
        for (FleetNode n : flaky) {
            fleet.setOffline(n.nodeId(), true);
        }
        say("nodes %s offline", flaky.stream().map(FleetNode::nodeId).toList());
        gap();
        say("restarting RabbitMQ");
        ServiceRestarts.rabbitmq();
        restarts++;
        gap();
        for (FleetNode n : flaky) {
            fleet.setOffline(n.nodeId(), false);
        }
        say("nodes back online");
        for (String w : List.of("dispatch-worker", "saver-worker-2", "callback-worker", "ingest-worker",
                "alert-worker")) {
            kill(w);
        }
        say("restarting Redis");
        ServiceRestarts.redis();
        restarts++;
        gap();
        for (String w : types) {
            WorkerProcess p = workers.get(w);
            say("stopping %s gracefully (SIGTERM) and starting it again", w);
            p.close();
            p.relaunch();
            p.awaitReady(READY);
            restarts++;
            gap();
        }
    }

    private void kill(String worker) throws Exception {
        WorkerProcess p = workers.get(worker);
        say("SIGKILL %s", worker);
        p.kill();
        kills++;
        gap();
        p.relaunch();
        p.awaitReady(READY);
    }

    private void gap() {
        pause(config.faultGap());
    }

    private void awaitFinal() {
        Instant until = Instant.now().plus(config.settle());
        while (Instant.now().isBefore(until) && finalCount() < accepted.size()) {
            pause(Duration.ofMillis(500));
        }
    }

    private int finalCount() {
        return ns.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT count(*) FROM tasks WHERE api_id = 'chaos' AND state IN (<final>)")
                .bindList("final", FINAL).mapTo(Integer.class).one());
    }

    private ChaosReport check(Fleet fleet) {
        List<String> problems = new ArrayList<>();
        int nodes = fleet.nodes().size();
        Set<String> acceptedIds = new HashSet<>(accepted);

        List<Map<String, Object>> tasks = ns.database().jdbi().withHandle(h -> h.createQuery("""
                SELECT t.task_id, t.state, t.total, t.done, t.failed, t.expired,
                       SUM(s.state = 'done') AS s_done, SUM(s.state = 'failed') AS s_failed,
                       SUM(s.state = 'expired') AS s_expired, COUNT(s.subtask_id) AS s_all
                FROM tasks t LEFT JOIN subtasks s ON s.task_id = t.task_id
                WHERE t.api_id = 'chaos' GROUP BY t.task_id""").mapToMap().list());
        long lost = acceptedIds.size();
        long subtasks = 0;
        for (Map<String, Object> t : tasks) {
            String id = (String) t.get("task_id");
            if (!acceptedIds.contains(id)) {
                continue;
            }
            long all = num(t.get("s_all"));
            subtasks += all;
            boolean isFinal = FINAL.contains((String) t.get("state"));
            if (isFinal && all == nodes) {
                lost--;
            } else {
                problems.add("task " + id + " is " + t.get("state") + " with " + all + " of " + nodes + " subtasks");
            }
            if (num(t.get("total")) != nodes || num(t.get("done")) != num(t.get("s_done"))
                    || num(t.get("failed")) != num(t.get("s_failed")) || num(t.get("expired")) != num(t.get("s_expired"))
                    || num(t.get("done")) + num(t.get("failed")) + num(t.get("expired")) != nodes && isFinal) {
                problems.add("task " + id + " counts do not match its subtasks: " + t);
            }
            Map<String, String> live = ns.redis().hgetAll(ns.keys().task(id));
            if (isFinal && !(String.valueOf(t.get("done")).equals(live.get("done"))
                    && String.valueOf(t.get("failed")).equals(live.get("failed"))
                    && t.get("state").equals(live.get("state")))) {
                problems.add("task " + id + " Redis counters " + live + " differ from MariaDB " + t);
            }
        }

        Map<String, String> recorded = new HashMap<>();
        ns.database().jdbi().useHandle(h -> h.createQuery(
                "SELECT s.subtask_id, s.state FROM subtasks s JOIN tasks t ON t.task_id = s.task_id "
                        + "WHERE t.api_id = 'chaos'").mapToMap()
                .forEach(r -> recorded.put((String) r.get("subtask_id"), (String) r.get("state"))));
        List<Execution> executions = fleet.executions();
        Set<String> executed = new HashSet<>();
        for (Execution e : executions) {
            executed.add(e.subtaskId());
            String state = recorded.get(e.subtaskId());
            if (state != null && !state.equals(e.state().wire())) {
                problems.add("subtask " + e.subtaskId() + " executed as " + e.state().wire() + " but recorded " + state);
            }
        }

        Topology t = ns.topology();
        List<String> mustBeEmpty = new ArrayList<>(List.of(t.ingestQueue(), t.alertsQueue()));
        for (Lane lane : Lane.values()) {
            mustBeEmpty.add(t.laneQueue(lane));
            ns.config().retryDelays().forEach(d -> mustBeEmpty.add(t.retryQueue(lane, d)));
        }
        mustBeEmpty.addAll(t.savesQueues());
        for (Topology.Area area : Topology.Area.values()) {
            mustBeEmpty.add(t.deadQueue(area));
        }
        Instant until = Instant.now().plusSeconds(30);
        List<String> left;
        do {
            left = mustBeEmpty.stream().filter(q -> ns.depth(q) > 0).map(q -> q + "=" + ns.depth(q)).toList();
        } while (!left.isEmpty() && Instant.now().isBefore(until) && pauseTrue(Duration.ofMillis(500)));
        left.forEach(q -> problems.add("messages left in " + q));

        long redeliveries = executions.size() - executed.size() + fleet.duplicatesSuppressed();
        return new ChaosReport(accepted.size(), (int) subtasks, kills, restarts, redeliveries,
                fleet.duplicatesSuppressed(), lost, problems);
    }

    private static long num(Object o) {
        return o == null ? 0 : ((Number) o).longValue();
    }

    private static boolean pauseTrue(Duration d) {
        pause(d);
        return true;
    }

    /** Paces the load and the faults (this is a load generator's clock, not test synchronisation). */
    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void say(String format, Object... args) {
        out.println(Instant.now() + " " + String.format(format, args));
    }
}
