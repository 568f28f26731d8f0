package io.purgeline.bench.perf;

import io.purgeline.testkit.Namespace;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Scenario 1: one URL, sequential tasks, submit → final event, over AMQP and over HTTP; first on real Varnish caches
 * (one agent process each), then on a simulated fleet. The Varnish cases run before the fleet starts, so the fleet's
 * heartbeats do not load them.
 */
public final class LatencyScenario implements Scenario {
    @Override
    public String name() {
        return "latency";
    }

    @Override
    public Report run(BenchRun run) throws Exception {
        BenchOptions o = run.options();
        Report report = new Report(name())
                .setting("edges", o.edges())
                .setting("nodes", o.nodes())
                .setting("fleet_latency_ms", o.fleetLatencyMs())
                .setting("warmup_tasks", o.warmup())
                .setting("samples", o.samples())
                .setting("case_limit_s", o.caseLimit().toSeconds());
        try (Namespace ns = run.namespace()) {
            run.say("latency: starting the workers and %d Varnish edges", o.edges());
            try (SystemUnderTest sut = SystemUnderTest.start(o.home(), ns, run.logDir(ns), o.edges())) {
                run.say("latency: relay to %d Varnish caches", o.edges());
                Latencies relay = new VarnishRelay(sut.stack().edges()).measure(o.warmup() * 5, o.samples());
                report.row("relay_varnish_" + o.edges(), relay.summary());
                for (Submitter.Transport t : Submitter.Transport.values()) {
                    run.say("latency: %d Varnish edges over %s", o.edges(), t.wire());
                    SequentialTasks.Outcome out = SequentialTasks.run(sut, t, List.of("local"), o.warmup(),
                            o.samples(), o.caseLimit());
                    Map<String, Object> row = report.row("varnish_" + o.edges() + "_" + t.wire(), out.figures());
                    row.put("p50_x_relay", ratio((Double) row.get("p50_ms"), relay.quantileMs(0.5)));
                    row.put("p99_x_relay", ratio((Double) row.get("p99_ms"), relay.quantileMs(0.99)));
                    row.put("stages_p50_ms", stages(sut, out));
                }
                run.say("latency: starting a fleet of %d simulated nodes", o.nodes());
                sut.addFleet(o.nodes(), "lat-", 2, "fleet", Duration.ofMillis(o.fleetLatencyMs()));
                for (Submitter.Transport t : Submitter.Transport.values()) {
                    run.say("latency: %d simulated nodes over %s", o.nodes(), t.wire());
                    SequentialTasks.Outcome out = SequentialTasks.run(sut, t, List.of("fleet"), o.warmup(),
                            o.samples(), o.caseLimit());
                    Map<String, Object> row = report.row("fleet_" + o.nodes() + "_" + t.wire(), out.figures());
                    row.put("p50_x_floor", run.ratio((Double) row.get("p50_ms"), "round_p50_ms@" + o.nodes()));
                    row.put("p99_x_floor", run.ratio((Double) row.get("p99_ms"), "round_p99_ms@" + o.nodes()));
                    row.put("stages_p50_ms", stages(sut, out));
                }
            }
        }
        report.note("latency = from just before the submit (AMQP publish awaiting its confirm, or HTTP POST) to the"
                + " arrival of the task's final event on {ns}.events; warm-up tasks are not counted");
        report.note("relay_varnish: a bare PURGE of the URL straight to every Varnish cache at once, all answers"
                + " back (what a stateless relay does: no agent, no broker, no record)");
        report.note("stages_p50_ms: where a task's time went, p50 of each stage: accept = submit to the task's"
                + " accepted_at (ingest); dispatch = to its first node's started_at (the agent); spread = to its"
                + " last node's started_at; finish = to its last node's finished_at; record = to the saver writing"
                + " its last subtask row (updated_at, taken as the batch is written, before its commit); event = to"
                + " the final event's arrival. The database keeps milliseconds");
        report.note("cpu_ms_per_task: processor time the whole machine was busy (every process and core,"
                + " /proc/stat) while the measured tasks ran, per task; cores_busy: how many cores that kept busy on"
                + " average (of " + Runtime.getRuntime().availableProcessors() + "). Where cores_busy is near all of"
                + " them, a purge takes about cpu_ms_per_task over the cores, and only less work makes it faster");
        report.note("cpu_ms_per_task_by_process: the same per part of the system, from /proc/<pid>/stat: each worker"
                + " by name, agents = every edge agent's JVM, harness = this JVM with the simulated fleet, broker,"
                + " mariadb, redis, caches (Varnish), other = the kernel's threads and the rest of the box");
        report.note("p50_x_relay: ratio to the relay over the same caches; p50_x_floor: ratio to the floor"
                + " scenario's bare fan-out round over the same number of simulated nodes");
        return report;
    }

    private static Map<String, Object> stages(SystemUnderTest sut, SequentialTasks.Outcome out) {
        return Stages.p50(out.measured(), sut.taskTimes(out.measured().stream()
                .map(SequentialTasks.Measured::taskId).toList()));
    }

    private static Double ratio(double value, double base) {
        return Double.isNaN(value) || base == 0 ? null
                : new java.math.BigDecimal(value / base).round(new java.math.MathContext(2)).doubleValue();
    }
}
