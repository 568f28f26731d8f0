package io.purgeline.bench.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.purgeline.bench.LocalStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The short form of {@code bin/purgeline bench}: every scenario at tiny sizes, so that the harness cannot rot. It
 * checks that each scenario wrote its result file with its figures present and sane; it never asserts a time.
 */
class BenchIT {
    private static final Path RESULTS = Path.of("target", "bench-results", UUID.randomUUID().toString())
            .toAbsolutePath();
    private static List<String> failed;

    @BeforeAll
    static void runEveryScenarioInShort() {
        failed = BenchMain.run(BenchOptions.tiny(LocalStack.home(), RESULTS), List.of());
    }

    @Test
    void everyScenarioRunsToTheEndAndWritesItsResultFile() throws IOException {
        assertThat(failed).isEmpty();
        for (String scenario : BenchMain.scenarios().keySet()) {
            assertThat(resultOf(scenario).getAsJsonArray("rows")).as(scenario).isNotEmpty();
        }
    }

    @Test
    void theFloorReportsTheBareFanOutAndTheBroker() throws IOException {
        Map<String, JsonObject> rows = rows("floor");
        assertThat(rows.get("fanout_round_20_nodes").get("count").getAsInt()).isPositive();
        assertThat(rows.get("fanout_round_20_nodes").get("p50_ms").getAsDouble()).isPositive();
        assertThat(rows.get("fanout_sustained_20_nodes").get("node_deliveries_per_s").getAsDouble()).isPositive();
        for (String broker : List.of("broker_classic", "broker_quorum")) {
            assertThat(rows.get(broker).get("published_per_s").getAsLong()).as(broker).isPositive();
            assertThat(rows.get(broker).get("delivered_p50_ms").getAsDouble()).as(broker).isPositive();
        }
    }

    @Test
    void latencyMeasuresCompletedTasksOnVarnishAndOnTheFleetOverBothTransports() throws IOException {
        Map<String, JsonObject> rows = rows("latency");
        assertThat(rows.get("relay_varnish_2").get("count").getAsInt()).isPositive();
        for (String c : List.of("varnish_2_amqp", "varnish_2_http", "fleet_20_amqp", "fleet_20_http")) {
            assertThat(rows.get(c).get("completed").getAsInt()).as(c).isPositive();
            assertThat(rows.get(c).get("not_completed").getAsInt()).as(c).isZero();
            assertThat(rows.get(c).get("p50_ms").getAsDouble()).as(c).isPositive();
            assertThat(rows.get(c).get("max_ms").getAsDouble()).as(c)
                    .isGreaterThanOrEqualTo(rows.get(c).get("p50_ms").getAsDouble());
            // The machine's processor time while the tasks ran: some per task, on at most every core.
            assertThat(rows.get(c).get("cpu_ms_per_task").getAsDouble()).as(c).isPositive();
            assertThat(rows.get(c).get("cores_busy").getAsDouble()).as(c).isPositive()
                    .isLessThanOrEqualTo(Runtime.getRuntime().availableProcessors() + 0.1);
            // And by part of the system: only parts it knows, the workers among them.
            JsonObject parts = rows.get(c).getAsJsonObject("cpu_ms_per_task_by_process");
            assertThat(parts.keySet()).as(c).isSubsetOf("ingest", "dispatch", "callback", "saver", "alert", "agents",
                    "harness", "broker", "mariadb", "redis", "caches", "other")
                    .containsAnyOf("ingest", "dispatch", "saver");
            parts.entrySet().forEach(e -> assertThat(e.getValue().getAsDouble()).as(c + " " + e.getKey()).isPositive());
            // Where the time went, from the instants the pipeline recorded: every stage, none before the last.
            JsonObject stages = rows.get(c).getAsJsonObject("stages_p50_ms");
            assertThat(stages.keySet()).as(c).containsExactly("accept", "dispatch", "spread", "finish", "record",
                    "event");
            stages.entrySet().forEach(e -> assertThat(e.getValue().getAsDouble()).as(c + " " + e.getKey())
                    .isGreaterThan(-5)); // clocks read apart, rounded to milliseconds
        }
        assertThat(rows.get("fleet_20_amqp").get("p50_x_floor").getAsDouble()).isPositive();
    }

    @Test
    void throughputCountsNodeResultsRecordedAndTheBacklog() throws IOException {
        JsonObject row = rows("throughput").get("fleet_20_in_flight_4");
        assertThat(row.get("node_results").getAsLong()).isPositive();
        assertThat(row.get("node_results_per_s").getAsDouble()).isPositive();
        assertThat(row.get("node_executions_per_s").getAsDouble()).isPositive();
        assertThat(row.get("tasks_submitted").getAsLong()).isPositive();
        assertThat(row.get("backlog_end").getAsLong()).isNotNegative();
        assertThat(row.getAsJsonObject("backlog_end_by_queue").keySet()).contains("ingest.tasks", "dispatch.fast");
        assertThat(row.get("nodes_declared_offline").getAsLong()).as("the fleet kept heartbeating under the load")
                .isZero();
        assertThat(row.get("x_floor").getAsDouble()).isPositive();
    }

    @Test
    void intakeCountsAcceptedTasksOverHttpAndAmqp() throws IOException {
        Map<String, JsonObject> rows = rows("intake");
        for (String c : List.of("http", "amqp")) {
            assertThat(rows.get(c).get("accepted_per_s").getAsDouble()).as(c).isPositive();
            assertThat(rows.get(c).get("count").getAsInt()).as(c).isPositive();
            assertThat(rows.get(c).get("p99_ms").getAsDouble()).as(c).isPositive();
        }
        assertThat(rows.get("amqp").get("x_broker_floor").getAsDouble()).isPositive();
    }

    @Test
    void memoryReportsTheRssOfEveryWorkerTheAgentAndTheFleetAndAllocationPerNodeResult() throws IOException {
        Map<String, JsonObject> rows = rows("memory");
        for (String p : List.of("ingest-worker", "dispatch-worker", "callback-worker", "saver-worker",
                "alert-worker", "agent-edge-1")) {
            assertThat(rows.get(p).get("rss_peak_mb").getAsLong()).as(p).isPositive();
            assertThat(rows.get(p).get("alloc_mb").getAsLong()).as(p).isNotNegative();
        }
        assertThat(rows.get("bench-jvm (fleet + harness)").get("rss_peak_mb").getAsLong()).isPositive();
        JsonObject all = rows.get("all workers and the agent");
        assertThat(all.get("node_results").getAsLong()).isPositive();
        assertThat(all.get("alloc_per_node_result_kb").getAsDouble()).isPositive();
    }

    @Test
    void growthMeasuresEverySize() throws IOException {
        Map<String, JsonObject> rows = rows("growth");
        assertThat(rows).containsOnlyKeys("fleet_10", "fleet_20");
        rows.values().forEach(r -> {
            assertThat(r.get("completed").getAsInt()).isPositive();
            assertThat(r.get("p50_x_first").getAsDouble()).isPositive();
        });
        assertThat(rows.get("fleet_20").get("p50_x_floor").getAsDouble()).isPositive();
    }

    @Test
    void theSilentNodeScenarioMeasuresTheOtherNodesAloneBesideARefusingAndASilentNodeAndAloneAgain()
            throws IOException {
        Map<String, JsonObject> rows = rows("silent");
        assertThat(rows.keySet()).containsExactly("fleet_10_plus_none", "fleet_10_plus_refusing",
                "fleet_10_plus_silent", "fleet_10_plus_none_again");
        rows.forEach((c, r) -> {
            assertThat(r.get("count").getAsInt()).as(c).isPositive();
            assertThat(r.get("p50_ms").getAsDouble()).as(c).isPositive();
            assertThat(r.get("tasks").getAsInt()).as(c).isPositive();
        });
        // The baseline is the mean of the first and last cases, so their changes are opposite (up to rounding).
        double first = rows.get("fleet_10_plus_none").get("p50_change_pct").getAsDouble();
        double last = rows.get("fleet_10_plus_none_again").get("p50_change_pct").getAsDouble();
        assertThat(first + last).isCloseTo(0.0, within(0.15));
    }

    /** The scenario's rows by case name. */
    static Map<String, JsonObject> rows(String scenario) throws IOException {
        Map<String, JsonObject> rows = new java.util.LinkedHashMap<>();
        resultOf(scenario).getAsJsonArray("rows").forEach(r -> rows.put(r.getAsJsonObject().get("case").getAsString(),
                r.getAsJsonObject()));
        return rows;
    }

    private static JsonObject resultOf(String scenario) throws IOException {
        try (Stream<Path> files = Files.list(RESULTS)) {
            Path file = files.filter(f -> f.getFileName().toString().startsWith(scenario + "-")
                    && f.toString().endsWith(".json")).findFirst().orElseThrow(() -> new AssertionError(
                            "no result file for " + scenario + " in " + RESULTS));
            JsonObject doc = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
            assertThat(doc.get("scenario").getAsString()).isEqualTo(scenario);
            assertThat(doc.getAsJsonObject("settings").size()).as(scenario + " settings").isPositive();
            return doc;
        }
    }
}
