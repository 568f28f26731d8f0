package io.purgeline.bench.perf;

import io.purgeline.testkit.Namespace;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Scenario 3: how fast purgeline takes tasks in, over HTTP ({@code POST /v1/tasks} from many connections at once)
 * and over AMQP (as many publishes in flight), each on a fresh stack whose only node is one simulated node. The
 * cases have stacks of their own so that one case's backlog of work does not slow the other.
 */
public final class IntakeScenario implements Scenario {
    static final String REGION = "one";

    @Override
    public String name() {
        return "intake";
    }

    @Override
    public Report run(BenchRun run) throws Exception {
        BenchOptions o = run.options();
        Report report = new Report(name())
                .setting("nodes", 1)
                .setting("concurrency", o.intakeConnections())
                .setting("seconds", o.intakeSeconds())
                .setting("warmup_s", warmupSeconds(o))
                .setting("task", "refresh of one URL on the one node");
        for (Submitter.Transport t : List.of(Submitter.Transport.HTTP, Submitter.Transport.AMQP)) {
            try (Namespace ns = run.namespace()) {
                run.say("intake: starting the workers and one simulated node");
                try (SystemUnderTest sut = SystemUnderTest.start(o.home(), ns, run.logDir(ns), 0)) {
                    sut.addFleet(1, "in-", 2, REGION, Duration.ofMillis(o.fleetLatencyMs()));
                    run.say("intake: %s with %d in flight for %d s", t.wire(), o.intakeConnections(),
                            o.intakeSeconds());
                    Map<String, Object> f = t == Submitter.Transport.HTTP
                            ? new HttpIntake(sut.ingestUrl(), o.intakeConnections())
                                    .run(warmupSeconds(o), o.intakeSeconds())
                            : new AmqpIntake(sut, o.intakeConnections()).run(warmupSeconds(o), o.intakeSeconds());
                    Map<String, Object> row = report.row(t.wire(), f);
                    if (t == Submitter.Transport.AMQP) {
                        row.put("x_broker_floor", run.ratio(((Number) f.get("accepted_per_s")).doubleValue(),
                                "broker_published_per_s"));
                    }
                }
            }
        }
        report.note("http: java.net.http async client, HTTP/1.1, one connection per request in flight; accepted ="
                + " answered 202; latency = request to answer");
        report.note("amqp: persistent publishes, a task counts in flight from its publish to its task.accepted event;"
                + " accepted = task.accepted events; latency = publish to task.accepted; completed = task.completed"
                + " events in the window");
        report.note("x_broker_floor: accepted_per_s over the floor's persistent-with-confirms publish rate");
        return report;
    }

    private static int warmupSeconds(BenchOptions o) {
        return Math.max(1, Math.min(5, o.intakeSeconds() / 3));
    }
}
