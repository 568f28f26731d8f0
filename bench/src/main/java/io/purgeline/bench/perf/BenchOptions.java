package io.purgeline.bench.perf;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sizes and durations of a benchmark run. {@link #defaults} is the full set (about 15 minutes on the 2-core box);
 * {@link #tiny} is the short form the integration test runs so that the harness cannot rot.
 *
 * @param home            where {@code <module>/target/<module>.jar} of the workers and the agent are taken from
 * @param results         where the JSON files go
 * @param nodes           simulated nodes of the floor, latency, throughput and memory scenarios
 * @param edges           real Varnish caches (one agent process each) of the latency scenario
 * @param samples         measured tasks per latency case (after the warm-up), unless {@code caseLimit} comes first
 * @param warmup          tasks sent before measuring a latency case (within the case limit): the JIT of every
 *                        process must be warm; 10 left the agents and workers mostly interpreted
 * @param caseLimit       time allowed to one latency case, so that a slow build still finishes the run
 * @param seconds         measured window of the throughput load
 * @param inFlight        tasks the throughput load keeps in flight
 * @param memorySeconds   each of the memory scenario's two windows under the throughput load: RSS, then allocation
 * @param intakeConnections concurrent HTTP submissions (and AMQP publishes awaiting confirms) of the intake scenario
 * @param intakeSeconds   window of each intake case
 * @param growth          fleet sizes of the growth scenario
 * @param silentNodes     simulated nodes beside the silent (and the refusing) node
 * @param fleetLatencyMs  what one purge takes on a simulated cache; 0 measures purgeline, not a pretend cache
 * @param floorSeconds    window of the bare fan-out's sustained rate and of the broker's publish rate
 */
public record BenchOptions(
        Path home,
        Path results,
        int nodes,
        int edges,
        int samples,
        int warmup,
        Duration caseLimit,
        int seconds,
        int inFlight,
        int memorySeconds,
        int intakeConnections,
        int intakeSeconds,
        List<Integer> growth,
        int silentNodes,
        int fleetLatencyMs,
        int floorSeconds) {

    public static BenchOptions defaults(Path home, Path results) {
        return new BenchOptions(home, results, 1000, 20, 100, 100, Duration.ofSeconds(25), 60, 20, 30, 200, 15,
                List.of(100, 1000, 5000), 100, 0, 10);
    }

    /** A few seconds per scenario, a handful of nodes: proves every scenario runs and reports, measures nothing. */
    public static BenchOptions tiny(Path home, Path results) {
        return new BenchOptions(home, results, 20, 2, 4, 1, Duration.ofSeconds(15), 4, 4, 4, 10, 3,
                List.of(10, 20), 10, 0, 2);
    }

    /** The options {@link #with} knows, for messages. */
    static final String OPTIONS = "--home DIR, --results DIR, --nodes N, --edges N, --tasks N, --warmup N,"
            + " --case-seconds S, --seconds S, --in-flight N, --memory-seconds S, --connections N, --intake-seconds S,"
            + " --growth A,B,C, --silent-nodes N, --fleet-latency-ms MS, --floor-seconds S";

    /** Applies {@code --name value} options to these. */
    public BenchOptions with(String option, String value) {
        BenchOptions o = this;
        return switch (option) {
            case "--home" -> new BenchOptions(Path.of(value).toAbsolutePath().normalize(), results, nodes, edges,
                    samples, warmup, caseLimit, seconds, inFlight, memorySeconds, intakeConnections, intakeSeconds,
                    growth, silentNodes, fleetLatencyMs, floorSeconds);
            case "--results" -> new BenchOptions(home, Path.of(value).toAbsolutePath().normalize(), nodes, edges,
                    samples, warmup, caseLimit, seconds, inFlight, memorySeconds, intakeConnections, intakeSeconds,
                    growth, silentNodes, fleetLatencyMs, floorSeconds);
            case "--nodes" -> new BenchOptions(home, results, positive(option, value), edges, samples, warmup,
                    caseLimit, seconds, inFlight, memorySeconds, intakeConnections, intakeSeconds, growth,
                    silentNodes, fleetLatencyMs, floorSeconds);
            case "--edges" -> new BenchOptions(home, results, nodes, positive(option, value), samples, warmup,
                    caseLimit, seconds, inFlight, memorySeconds, intakeConnections, intakeSeconds, growth,
                    silentNodes, fleetLatencyMs, floorSeconds);
            case "--tasks" -> new BenchOptions(home, results, nodes, edges, positive(option, value), warmup,
                    caseLimit, seconds, inFlight, memorySeconds, intakeConnections, intakeSeconds, growth,
                    silentNodes, fleetLatencyMs, floorSeconds);
            case "--warmup" -> new BenchOptions(home, results, nodes, edges, samples, Integer.parseInt(value),
                    caseLimit, seconds, inFlight, memorySeconds, intakeConnections, intakeSeconds, growth,
                    silentNodes, fleetLatencyMs, floorSeconds);
            case "--case-seconds" -> new BenchOptions(home, results, nodes, edges, samples, warmup,
                    Duration.ofSeconds(positive(option, value)), seconds, inFlight, memorySeconds, intakeConnections,
                    intakeSeconds, growth, silentNodes, fleetLatencyMs, floorSeconds);
            case "--seconds" -> new BenchOptions(home, results, nodes, edges, samples, warmup, caseLimit,
                    positive(option, value), inFlight, memorySeconds, intakeConnections, intakeSeconds, growth,
                    silentNodes, fleetLatencyMs, floorSeconds);
            case "--in-flight" -> new BenchOptions(home, results, nodes, edges, samples, warmup, caseLimit, seconds,
                    positive(option, value), memorySeconds, intakeConnections, intakeSeconds, growth, silentNodes,
                    fleetLatencyMs, floorSeconds);
            case "--memory-seconds" -> new BenchOptions(home, results, nodes, edges, samples, warmup, caseLimit,
                    seconds, inFlight, positive(option, value), intakeConnections, intakeSeconds, growth,
                    silentNodes, fleetLatencyMs, floorSeconds);
            case "--connections" -> new BenchOptions(home, results, nodes, edges, samples, warmup, caseLimit,
                    seconds, inFlight, memorySeconds, positive(option, value), intakeSeconds, growth, silentNodes,
                    fleetLatencyMs, floorSeconds);
            case "--intake-seconds" -> new BenchOptions(home, results, nodes, edges, samples, warmup, caseLimit,
                    seconds, inFlight, memorySeconds, intakeConnections, positive(option, value), growth,
                    silentNodes, fleetLatencyMs, floorSeconds);
            case "--growth" -> new BenchOptions(home, results, nodes, edges, samples, warmup, caseLimit, seconds,
                    inFlight, memorySeconds, intakeConnections, intakeSeconds,
                    Arrays.stream(value.split(",")).map(s -> positive(option, s.trim())).toList(), silentNodes,
                    fleetLatencyMs, floorSeconds);
            case "--silent-nodes" -> new BenchOptions(home, results, nodes, edges, samples, warmup, caseLimit,
                    seconds, inFlight, memorySeconds, intakeConnections, intakeSeconds, growth,
                    positive(option, value), fleetLatencyMs, floorSeconds);
            case "--fleet-latency-ms" -> new BenchOptions(home, results, nodes, edges, samples, warmup, caseLimit,
                    seconds, inFlight, memorySeconds, intakeConnections, intakeSeconds, growth, silentNodes,
                    Integer.parseInt(value), floorSeconds);
            case "--floor-seconds" -> new BenchOptions(home, results, nodes, edges, samples, warmup, caseLimit,
                    seconds, inFlight, memorySeconds, intakeConnections, intakeSeconds, growth, silentNodes,
                    fleetLatencyMs, positive(option, value));
            default -> throw new IllegalArgumentException("unknown option " + option + "; options: " + OPTIONS);
        };
    }

    /** Every setting, for the JSON file. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("home", home.toString());
        m.put("nodes", nodes);
        m.put("edges", edges);
        m.put("samples", samples);
        m.put("warmup", warmup);
        m.put("case_limit_s", caseLimit.toSeconds());
        m.put("seconds", seconds);
        m.put("in_flight", inFlight);
        m.put("memory_seconds", memorySeconds);
        m.put("intake_connections", intakeConnections);
        m.put("intake_seconds", intakeSeconds);
        m.put("growth", growth);
        m.put("silent_nodes", silentNodes);
        m.put("fleet_latency_ms", fleetLatencyMs);
        m.put("floor_seconds", floorSeconds);
        return m;
    }

    private static int positive(String option, String value) {
        int n = Integer.parseInt(value);
        if (n < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + value);
        }
        return n;
    }
}
