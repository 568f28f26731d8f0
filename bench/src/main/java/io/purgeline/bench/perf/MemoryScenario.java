package io.purgeline.bench.perf;

import io.purgeline.bench.WorkerProcess;
import io.purgeline.bench.fleet.Fleet;
import io.purgeline.testkit.Namespace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Scenario 4: under scenario 2's load (plus one real Varnish edge with its agent process, which every all-node task
 * reaches), the resident memory of every worker, the agent and the fleet, and what each worker allocates per node
 * result recorded (JFR, see {@link AllocationRecorder}).
 */
public final class MemoryScenario implements Scenario {
    private static final String HARNESS = "bench-jvm (fleet + harness)";

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public Report run(BenchRun run) throws Exception {
        BenchOptions o = run.options();
        int warmup = ThroughputScenario.warmupSeconds(o.memorySeconds());
        Report report = new Report(name())
                .setting("nodes", o.nodes())
                .setting("varnish_edges", 1)
                .setting("fleet_latency_ms", o.fleetLatencyMs())
                .setting("in_flight", o.inFlight())
                .setting("warmup_s", warmup)
                .setting("seconds", o.memorySeconds())
                .setting("mix", ThroughputLoad.mix(ThroughputScenario.REGION))
                .setting("worker_heap", "-Xmx256m -XX:+UseSerialGC (as WorkerProcess starts them)");
        try (Namespace ns = run.namespace()) {
            run.say("memory: starting the workers, one Varnish edge and %d simulated nodes", o.nodes());
            try (SystemUnderTest sut = SystemUnderTest.start(o.home(), ns, run.logDir(ns), 1)) {
                Fleet fleet = ThroughputScenario.startFleet(sut, o);
                Map<String, Long> pids = new LinkedHashMap<>();
                for (WorkerProcess w : sut.processes()) {
                    pids.put(w.name(), w.pid());
                }
                Map<String, Long> measured = new LinkedHashMap<>(pids);
                pids.put(HARNESS, ProcessHandle.current().pid());
                AllocationRecorder jfr = new AllocationRecorder(run.logDir(ns).resolve("jfr"));
                Map<String, Long> allocated = new ConcurrentHashMap<>();
                try (ProcessMemory rss = new ProcessMemory(pids)) {
                    run.say("memory: %d tasks in flight for %d s, sampling RSS and recording allocation",
                            o.inFlight(), o.memorySeconds());
                    Map<String, Object> load = new ThroughputLoad(sut, fleet, ThroughputScenario.REGION,
                            o.inFlight()).run(warmup, o.memorySeconds(), () -> {
                                rss.start();
                                eachAtOnce(measured, (name, pid) -> jfr.start(pid));
                            }, () -> eachAtOnce(measured, (name, pid) -> allocated.put(name, jfr.stop(pid, name))));
                    Object results = load.get("node_results");
                    long nodeResults = results == null ? 0 : ((Number) results).longValue();
                    rss.figures().forEach((name, mem) -> {
                        Map<String, Object> row = new LinkedHashMap<>(mem);
                        Long bytes = allocated.get(name);
                        row.put("alloc_mb", bytes == null ? null : bytes >> 20);
                        row.put("alloc_per_node_result_kb", bytes == null || nodeResults == 0 ? null
                                : Math.round(bytes / 1024.0 / nodeResults * 10) / 10.0);
                        report.row(name, row);
                    });
                    long total = allocated.values().stream().mapToLong(Long::longValue).sum();
                    Map<String, Object> all = new LinkedHashMap<>();
                    all.put("alloc_mb", total >> 20);
                    all.put("alloc_per_node_result_kb", nodeResults == 0 ? null
                            : Math.round(total / 1024.0 / nodeResults * 10) / 10.0);
                    all.put("node_results", nodeResults);
                    all.put("node_results_per_s", load.get("node_results_per_s"));
                    report.row("all workers and the agent", all);
                }
            }
        }
        report.note("RSS: VmRSS of /proc/<pid>/status sampled every second in the window (peak and last)");
        report.note("allocation: JFR jdk.ThreadAllocationStatistics every 1 s via jcmd JFR.start/JFR.dump over the"
                + " window, per thread last minus first (threads born in the window count whole); divided by the"
                + " node results recorded in MariaDB in the same window");
        report.note("the fleet runs inside the harness's JVM: its RSS row includes the harness (submitter, event"
                + " consumer) and is not recorded with JFR");
        return report;
    }

    /** What is done to one process at the window's start or end. */
    private interface Step {
        void run(String name, long pid) throws Exception;
    }

    /**
     * Does the step to every process at once (each jcmd is a JVM of its own that takes a second or two to attach): the
     * window's edges stay sharp, and the memory scenario does not spend half a minute on its bookkeeping.
     */
    private static void eachAtOnce(Map<String, Long> pids, Step step) {
        // Not the common pool: on two cores it runs one task at a time.
        ExecutorService threads = Executors.newFixedThreadPool(pids.size());
        try {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            pids.forEach((name, pid) -> all.add(CompletableFuture.runAsync(() -> {
                try {
                    step.run(name, pid);
                } catch (Exception e) {
                    throw new IllegalStateException(name + ": " + e.getMessage(), e);
                }
            }, threads)));
            CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
        } finally {
            threads.shutdown();
        }
    }
}
