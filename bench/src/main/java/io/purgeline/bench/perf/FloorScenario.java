package io.purgeline.bench.perf;

import com.rabbitmq.client.Connection;
import io.purgeline.bench.fleet.Fleet;
import io.purgeline.bench.fleet.FleetConfig;
import io.purgeline.bench.fleet.FleetNode;
import io.purgeline.service.AgentKeys;
import io.purgeline.service.Env;
import io.purgeline.testkit.Namespace;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Scenario 0, the floor: the same simulated fleet driven by a bare Java fan-out (no broker, no record), and the
 * broker's persistent-with-confirms rate and round trip. Later scenarios print ratios to these figures.
 */
public final class FloorScenario implements Scenario {
    /** Rounds kept in flight for the sustained rate: enough to keep both cores busy, as with 10 purges in flight. */
    private static final int ROUNDS_IN_FLIGHT = 10;
    private static final int BROKER_ROUND_TRIPS = 500;
    private static final int WARMUP_FACTOR = 5;

    @Override
    public String name() {
        return "floor";
    }

    @Override
    public Report run(BenchRun run) throws Exception {
        BenchOptions o = run.options();
        Report report = new Report(name())
                .setting("nodes", o.nodes())
                .setting("fleet_latency_ms", o.fleetLatencyMs())
                .setting("warmup_rounds", o.warmup() * WARMUP_FACTOR)
                .setting("rounds", o.samples())
                .setting("round_limit_s", o.caseLimit().toSeconds())
                .setting("rounds_in_flight", ROUNDS_IN_FLIGHT)
                .setting("sustained_s", o.floorSeconds())
                .setting("broker_message_bytes", 200)
                .setting("broker_round_trips", BROKER_ROUND_TRIPS);
        try (Namespace ns = run.namespace()) {
            fanout(run, ns, report);
            broker(run, ns, report);
        }
        report.note("fan-out: one signed one-subtask batch POST per node, all at once; a round ends with the last"
                + " node's result callback at the sink; nothing durable, no retries");
        report.note("broker: one producer (window of 1000 unconfirmed), one consumer acking each message;"
                + " round trip = one message at a time, publish to confirm and publish to delivery");
        return report;
    }

    private void fanout(BenchRun run, Namespace ns, Report report) throws Exception {
        BenchOptions o = run.options();
        try (ResultSink sink = ResultSink.start()) {
            AgentKeys keys = AgentKeys.from(new Env(ns.env()));
            try (Fleet fleet = Fleet.start(FleetConfig.of(o.nodes(), URI.create(sink.baseUrl()), keys)
                    .withIdPrefix("floor-").withLatency(Duration.ofMillis(o.fleetLatencyMs())));
                    BareFanout fanout = BareFanout.start(sink, keys)) {
                List<FleetNode> nodes = fleet.nodes();
                run.say("floor: bare fan-out to %d simulated nodes", nodes.size());
                // A cold JIT doubles a round (MEASUREMENTS.md: 367 ms after 10 rounds, 137 ms warm), and a round is
                // cheap: warm up five times as long as the other scenarios, within the case's time limit.
                long warmUntil = System.nanoTime() + o.caseLimit().toNanos();
                for (int i = 0; i < o.warmup() * WARMUP_FACTOR && System.nanoTime() < warmUntil; i++) {
                    fanout.round(nodes).get(60, TimeUnit.SECONDS);
                }
                Latencies rounds = new Latencies();
                long until = System.nanoTime() + o.caseLimit().toNanos();
                while (rounds.count() < o.samples() && System.nanoTime() < until) {
                    rounds.add(fanout.round(nodes).get(60, TimeUnit.SECONDS));
                }
                Map<String, Object> row = report.row("fanout_round_" + nodes.size() + "_nodes", rounds.summary());
                run.floor("round_p50_ms@" + nodes.size(), (Double) row.get("p50_ms"));
                run.floor("round_p99_ms@" + nodes.size(), (Double) row.get("p99_ms"));

                double rate = sustained(fanout, sink, nodes, o.floorSeconds());
                report.row("fanout_sustained_" + nodes.size() + "_nodes", Map.of("node_deliveries_per_s",
                        (double) Math.round(rate)));
                run.floor("node_results_per_s", rate);
            }
        }
    }

    /**
     * Node-deliveries (batch sent, result back) per second with several rounds in flight: results that reached the
     * sink within the window, whichever round they belong to, so that long rounds at the window's edges count for
     * what they delivered in it.
     */
    private static double sustained(BareFanout fanout, ResultSink sink, List<FleetNode> nodes, int seconds)
            throws Exception {
        Semaphore inFlight = new Semaphore(ROUNDS_IN_FLIGHT);
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long before = sink.received();
        while (System.nanoTime() < end) {
            if (inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                fanout.round(nodes).whenComplete((t, e) -> inFlight.release());
            }
        }
        long delivered = sink.received() - before;
        double elapsed = (System.nanoTime() - start) / 1e9;
        // The rounds still going finish before the fleet closes, or their results would be waited for in vain.
        inFlight.tryAcquire(ROUNDS_IN_FLIGHT, 60, TimeUnit.SECONDS);
        return delivered / elapsed;
    }

    private void broker(BenchRun run, Namespace ns, Report report) throws Exception {
        BenchOptions o = run.options();
        String prefix = ns.config().namespace() + ".bench.floor.";
        try (Connection producer = SystemUnderTest.connect(ns.config().amqp(), "bench-floor-producer");
                Connection consumer = SystemUnderTest.connect(ns.config().amqp(), "bench-floor-consumer")) {
            BrokerFloor floor = new BrokerFloor(producer, consumer);
            for (String type : List.of("classic", "quorum")) {
                run.say("floor: broker, %s queue", type);
                Map<String, Object> f = floor.measure(prefix + type, type, o.floorSeconds(), BROKER_ROUND_TRIPS);
                report.row("broker_" + type, f);
                if (type.equals("classic")) {
                    run.floor("broker_published_per_s", ((Number) f.get("published_per_s")).doubleValue());
                    run.floor("broker_delivered_p50_ms", ((Number) f.get("delivered_p50_ms")).doubleValue());
                }
            }
        }
    }
}
