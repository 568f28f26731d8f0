package io.purgeline.bench.perf;

import io.purgeline.bench.fleet.Fleet;
import io.purgeline.testkit.Namespace;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Scenario 5: scenario 1 over AMQP on fleets of growing size (one fleet at a time, each in a region of its own), to
 * see how the latency of one task grows with the number of nodes.
 */
public final class GrowthScenario implements Scenario {
    @Override
    public String name() {
        return "growth";
    }

    @Override
    public Report run(BenchRun run) throws Exception {
        BenchOptions o = run.options();
        Report report = new Report(name())
                .setting("sizes", o.growth())
                .setting("fleet_latency_ms", o.fleetLatencyMs())
                .setting("warmup_tasks", o.warmup())
                .setting("samples", o.samples())
                .setting("case_limit_s", o.caseLimit().toSeconds())
                .setting("transport", "amqp");
        try (Namespace ns = run.namespace()) {
            run.say("growth: starting the workers");
            try (SystemUnderTest sut = SystemUnderTest.start(o.home(), ns, run.logDir(ns), 0)) {
                Double firstP50 = null;
                int firstSize = 0;
                for (int size : o.growth()) {
                    run.say("growth: %d simulated nodes", size);
                    String region = "g" + size;
                    Fleet fleet = sut.addFleet(size, region + "-", 2, region, Duration.ofMillis(o.fleetLatencyMs()));
                    try {
                        SequentialTasks.Outcome out = SequentialTasks.run(sut, Submitter.Transport.AMQP,
                                List.of(region), o.warmup(), o.samples(), o.caseLimit());
                        Map<String, Object> row = report.row("fleet_" + size, out.figures());
                        double p50 = (Double) row.get("p50_ms");
                        if (firstP50 == null) {
                            firstP50 = p50;
                            firstSize = size;
                        }
                        row.put("p50_x_first", Math.round(p50 / firstP50 * 10) / 10.0);
                        row.put("p50_x_floor", run.ratio(p50, "round_p50_ms@" + size));
                    } finally {
                        sut.removeFleet(fleet);
                    }
                }
                report.note("p50_x_first: ratio to the p50 at " + firstSize + " nodes");
            }
        }
        report.note("each size is its own fleet and region; the earlier fleets are closed (their nodes stay"
                + " registered in other regions and are not targeted)");
        return report;
    }
}
