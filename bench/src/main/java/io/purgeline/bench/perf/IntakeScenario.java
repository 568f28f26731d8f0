package io.purgeline.bench.perf;

import io.purgeline.testkit.Namespace;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Scenario 3: how fast purgeline takes tasks in, over HTTP ({@code POST /v1/tasks} from many connections at once)
 * and over AMQP (as many publishes in flight), on a stack whose only node is one simulated node.
 */
public final class IntakeScenario implements Scenario {
    static final String REGION = "one";
    /** Cases this long or longer get a stack each, so that one case's backlog does not slow the other. */
    private static final int SEPARATE_STACKS_FROM_S = 10;

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
        if (o.intakeSeconds() < SEPARATE_STACKS_FROM_S) {
            report.note("short run: both cases on one stack (the first leaves only a small backlog)");
            try (Namespace ns = run.namespace(); SystemUnderTest sut = start(run, ns)) {
                for (Submitter.Transport t : List.of(Submitter.Transport.HTTP, Submitter.Transport.AMQP)) {
                    measure(run, sut, t, report);
                }
            }
        } else {
            for (Submitter.Transport t : List.of(Submitter.Transport.HTTP, Submitter.Transport.AMQP)) {
                try (Namespace ns = run.namespace(); SystemUnderTest sut = start(run, ns)) {
                    measure(run, sut, t, report);
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

    private static SystemUnderTest start(BenchRun run, Namespace ns) throws Exception {
        run.say("intake: starting the workers and one simulated node");
        SystemUnderTest sut = SystemUnderTest.start(run.options().home(), ns, run.logDir(ns), 0);
        try {
            sut.addFleet(1, "in-", 2, REGION, Duration.ofMillis(run.options().fleetLatencyMs()));
            return sut;
        } catch (Exception | Error e) {
            sut.close();
            throw e;
        }
    }

    private static void measure(BenchRun run, SystemUnderTest sut, Submitter.Transport t, Report report)
            throws Exception {
        BenchOptions o = run.options();
        run.say("intake: %s with %d in flight for %d s", t.wire(), o.intakeConnections(), o.intakeSeconds());
        Map<String, Object> f = t == Submitter.Transport.HTTP
                ? new HttpIntake(sut.submitter().customer(), o.intakeConnections()).run(warmupSeconds(o), o.intakeSeconds())
                : new AmqpIntake(sut, o.intakeConnections()).run(warmupSeconds(o), o.intakeSeconds());
        Map<String, Object> row = report.row(t.wire(), f);
        if (t == Submitter.Transport.AMQP) {
            row.put("x_broker_floor", run.ratio(((Number) f.get("accepted_per_s")).doubleValue(),
                    "broker_published_per_s"));
        }
    }

    /** Fresh workers need most of a minute of load before their JIT catches up (see ThroughputScenario). */
    private static int warmupSeconds(BenchOptions o) {
        return Math.max(1, Math.min(20, o.intakeSeconds() * 2));
    }
}
