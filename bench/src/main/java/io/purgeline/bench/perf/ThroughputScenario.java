package io.purgeline.bench.perf;

import io.purgeline.bench.fleet.Fleet;
import io.purgeline.testkit.Namespace;
import java.time.Duration;
import java.util.Map;

/**
 * Scenario 2: sustained fan-out on a simulated fleet with many tasks in flight: node results recorded per second,
 * and whether a backlog builds up.
 */
public final class ThroughputScenario implements Scenario {
    static final String REGION = "east";

    @Override
    public String name() {
        return "throughput";
    }

    @Override
    public Report run(BenchRun run) throws Exception {
        BenchOptions o = run.options();
        int warmup = warmupSeconds(o.seconds());
        Report report = new Report(name())
                .setting("nodes", o.nodes())
                .setting("nodes_in_region_" + REGION, (o.nodes() + 1) / 2)
                .setting("fleet_latency_ms", o.fleetLatencyMs())
                .setting("in_flight", o.inFlight())
                .setting("warmup_s", warmup)
                .setting("seconds", o.seconds())
                .setting("mix", ThroughputLoad.mix(REGION));
        try (Namespace ns = run.namespace()) {
            run.say("throughput: starting the workers and %d simulated nodes", o.nodes());
            try (SystemUnderTest sut = SystemUnderTest.start(o.home(), ns, run.logDir(ns), 0)) {
                Fleet fleet = startFleet(sut, o);
                run.say("throughput: %d tasks in flight for %d s (after %d s of warm-up)", o.inFlight(),
                        o.seconds(), warmup);
                Map<String, Object> f = new ThroughputLoad(sut, fleet, REGION, o.inFlight())
                        .run(warmup, o.seconds(), () -> { }, () -> { });
                Map<String, Object> row = report.row("fleet_" + o.nodes() + "_in_flight_" + o.inFlight(), f);
                Object rate = f.get("node_results_per_s");
                row.put("x_floor", rate == null ? null : run.ratio((Double) rate, "node_results_per_s"));
            }
        }
        report.note("node_results_per_s: subtask rows reaching a final state in MariaDB during the window (durably"
                + " recorded); _by_events: done+failed+expired of the final events that arrived in the window;"
                + " node_executions_per_s: subtasks the simulated nodes executed in the window");
        report.note("backlog: messages ready in the ingest, lane and saves queues at the window's start and end");
        report.note("nodes_declared_offline: node_offline alerts recorded since the workers started; above 0, part of"
                + " the load was parked for nodes that missed heartbeats, and the figures are not the pipeline's alone");
        report.note("x_floor: node_results_per_s over the floor's bare fan-out node-deliveries per second");
        return report;
    }

    /** Half the nodes in region east, half in west; tasks go to all or to east. */
    static Fleet startFleet(SystemUnderTest sut, BenchOptions o) throws Exception {
        int half = (o.nodes() + 1) / 2;
        return sut.addFleet(o.nodes(), "tp-", 2, i -> i < half ? REGION : "west",
                Duration.ofMillis(o.fleetLatencyMs()));
    }

    /**
     * Load before the window: the workers start fresh, and under this load on two cores their JIT takes most of a
     * minute to catch up (the compiler threads compete with nine busy processes). After 10 s of warm-up a 40 s window
     * measured 260-360 node results/s, a 120 s window 1,275/s: most of what was measured was the compiler.
     */
    static int warmupSeconds(int seconds) {
        return Math.max(1, Math.min(45, seconds * 3 / 4));
    }
}
