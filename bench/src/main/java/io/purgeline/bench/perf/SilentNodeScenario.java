package io.purgeline.bench.perf;

import io.purgeline.bench.fleet.Execution;
import io.purgeline.bench.fleet.Fleet;
import io.purgeline.testkit.FreePorts;
import io.purgeline.testkit.Namespace;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Scenario 6: one-URL tasks, one at a time, on a simulated fleet, first alone, then with one node that refuses
 * connections, then with one that accepts them and never answers, then alone again, after a warm-up of its own.
 * Measured: the other nodes' per-node completion times. A task with a bad node does not complete for a long time
 * (retries), so the next task goes as soon as every fleet node has executed the current one: exactly the situation
 * where head-of-line blocking would show.
 */
public final class SilentNodeScenario implements Scenario {
    private static final String SILENT_HOST = "127.0.1.250";
    private static final String REFUSING_HOST = "127.0.1.251";
    /** How often the fleet's executions are looked at while a task runs; far below the times measured. */
    private static final Duration POLL = Duration.ofMillis(2);
    /**
     * The bad node of each case, in order. The case without one runs first and last: a single first case ran on a
     * colder system than the others, and the change it gave swung from -36 % to +30 % between runs of the same code.
     * Its hundred warm-up tasks were not enough either (first 83 ms, last 50 ms in one run), so the scenario warms the
     * system up for a case's time limit before the first case.
     */
    private static final List<String> CASES = List.of("none", "refusing", "silent", "none_again");

    @Override
    public String name() {
        return "silent";
    }

    @Override
    public Report run(BenchRun run) throws Exception {
        BenchOptions o = run.options();
        Report report = new Report(name())
                .setting("nodes", o.silentNodes())
                .setting("fleet_latency_ms", o.fleetLatencyMs())
                .setting("warmup_tasks", o.warmup())
                .setting("first_warmup_s", o.caseLimit().toSeconds())
                .setting("samples", o.samples())
                .setting("case_limit_s", o.caseLimit().toSeconds())
                .setting("transport", "amqp");
        try (Namespace ns = run.namespace()) {
            run.say("silent: starting the workers and %d simulated nodes", o.silentNodes());
            try (SystemUnderTest sut = SystemUnderTest.start(o.home(), ns, run.logDir(ns), 0);
                    SilentPeer silent = SilentPeer.start(SILENT_HOST)) {
                Fleet fleet = sut.addFleet(o.silentNodes(), "s-", 2, "s", Duration.ofMillis(o.fleetLatencyMs()));
                sut.register("silent-1", silent.address(), "silent");
                sut.register("refusing-1", REFUSING_HOST + ":" + FreePorts.on(REFUSING_HOST), "refusing");
                run.say("silent: warming up for %d s", o.caseLimit().toSeconds());
                long warmedAt = System.nanoTime() + o.caseLimit().toNanos();
                while (System.nanoTime() < warmedAt) {
                    one(sut, fleet, List.of("s"), o.silentNodes(), warmedAt, new Latencies(), new Latencies());
                }
                List<Map<String, Object>> rows = new ArrayList<>();
                for (String bad : CASES) {
                    List<String> regions = bad.startsWith("none") ? List.of("s") : List.of("s", bad);
                    run.say("silent: %d nodes with %s bad node", o.silentNodes(), bad);
                    rows.add(report.row("fleet_" + o.silentNodes() + "_plus_" + bad, phase(sut, fleet, regions, o)));
                }
                double alone = (p50(rows.get(0)) + p50(rows.get(rows.size() - 1))) / 2;
                for (Map<String, Object> row : rows) {
                    row.put("p50_change_pct", Math.round((p50(row) / alone - 1) * 1000) / 10.0);
                }
                report.setting("silent_connections_held", silent.connectionsHeld());
            }
        }
        report.note("per-node completion = the node's execution finished (the simulated cache purged, recorded by"
                + " the fleet before it reports) minus the submit; it is when the stale copy is gone on that node,"
                + " not when purgeline recorded it");
        report.note("the bad node is never counted; the next task is submitted once every fleet node executed the"
                + " current one, so tasks with a bad node pile up in retries behind the measured ones");
        report.note("p50_change_pct: change of the per-node p50 against the mean of the two cases without a bad node,"
                + " the first and the last: the machine's drift over the scenario shows as their difference, and"
                + " tasks of the bad cases still retrying weigh on the last");
        return report;
    }

    private static Map<String, Object> phase(SystemUnderTest sut, Fleet fleet, List<String> regions, BenchOptions o)
            throws Exception {
        int nodes = fleet.nodes().size();
        long until = System.nanoTime() + o.caseLimit().toNanos();
        for (int i = 0; i < o.warmup() && System.nanoTime() < until; i++) {
            one(sut, fleet, regions, nodes, until, new Latencies(), new Latencies());
        }
        Latencies perNode = new Latencies();
        Latencies lastNode = new Latencies();
        int tasks = 0;
        int incomplete = 0;
        until = System.nanoTime() + o.caseLimit().toNanos();
        while (tasks < o.samples() && System.nanoTime() < until) {
            tasks++;
            if (!one(sut, fleet, regions, nodes, until + Duration.ofSeconds(30).toNanos(), perNode, lastNode)) {
                incomplete++;
                break;
            }
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("tasks", tasks);
        f.putAll(perNode.summary());
        f.put("count", perNode.count());
        f.put("last_node_p50_ms", Latencies.round(lastNode.quantileMs(0.5)));
        f.put("last_node_max_ms", Latencies.round(lastNode.quantileMs(1.0)));
        f.put("tasks_not_executed_everywhere", incomplete);
        return f;
    }

    private static double p50(Map<String, Object> row) {
        return (Double) row.get("p50_ms");
    }

    /** One task; true when every fleet node executed it before {@code untilNanos}. */
    private static boolean one(SystemUnderTest sut, Fleet fleet, List<String> regions, int nodes, long untilNanos,
            Latencies perNode, Latencies lastNode) throws Exception {
        String taskId = Tasks.scoped("silent-" + UUID.randomUUID());
        Instant submitted = Instant.now();
        sut.submitter().publish(taskId, Tasks.refresh(taskId, Tasks.CUSTOMER, 1, regions));
        int skip = 0;
        List<Execution> mine = new ArrayList<>();
        while (mine.size() < nodes && System.nanoTime() < untilNanos) {
            List<Execution> all = fleet.executions();
            for (int i = skip; i < all.size(); i++) {
                if (all.get(i).taskId().equals(taskId)) {
                    mine.add(all.get(i));
                }
            }
            skip = all.size();
            if (mine.size() < nodes) {
                Thread.sleep(POLL.toMillis());
            }
        }
        long last = 0;
        for (Execution e : mine) {
            long nanos = Duration.between(submitted, e.finishedAt()).toNanos();
            perNode.add(nanos);
            last = Math.max(last, nanos);
        }
        if (!mine.isEmpty()) {
            lastNode.add(last);
        }
        return mine.size() == nodes;
    }
}
