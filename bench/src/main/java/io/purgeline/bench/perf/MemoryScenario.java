package io.purgeline.bench.perf;

import io.purgeline.bench.WorkerProcess;
import io.purgeline.bench.fleet.Fleet;
import io.purgeline.service.JvmOptions;
import io.purgeline.testkit.Namespace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Scenario 4: under scenario 2's load (plus one real Varnish edge with its agent process, which every all-node task
 * reaches), the resident memory of every worker, the agent and the fleet, then what each worker allocates per node
 * result recorded (JFR, see {@link AllocationRecorder}). One after the other: a recording attached to a JVM costs it
 * 20-30 MB of its own (NMT: 15 MB of JFR buffers, its classes and threads), which its users never pay.
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
        // As long as the throughput scenario's for its window: both halves measure the load, not the JIT catching up.
        int warmup = ThroughputScenario.warmupSeconds(2 * o.memorySeconds());
        Report report = new Report(name())
                .setting("nodes", o.nodes())
                .setting("varnish_edges", 1)
                .setting("fleet_latency_ms", o.fleetLatencyMs())
                .setting("in_flight", o.inFlight())
                .setting("warmup_s", warmup)
                .setting("seconds", o.memorySeconds())
                .setting("allocation_seconds", o.memorySeconds())
                .setting("mix", ThroughputLoad.mix(ThroughputScenario.REGION))
                .setting("worker_heap", String.join(" ", JvmOptions.of("saver-worker")))
                .setting("agent_jvm", String.join(" ", JvmOptions.of("edge-agent")));
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
                long[] allocationResults = new long[2];
                ScheduledExecutorService halfway = Executors.newSingleThreadScheduledExecutor();
                try (ProcessMemory rss = new ProcessMemory(pids)) {
                    run.say("memory: %d tasks in flight, %d s sampling RSS, then %d s recording allocation",
                            o.inFlight(), o.memorySeconds(), o.memorySeconds());
                    AtomicReference<ScheduledFuture<?>> allocationStart = new AtomicReference<>();
                    new ThroughputLoad(sut, fleet, ThroughputScenario.REGION, o.inFlight())
                            .run(warmup, 2 * o.memorySeconds(), () -> {
                                rss.start();
                                allocationStart.set(halfway.schedule(() -> {
                                    rss.stop();
                                    allocationResults[0] = recorded(sut);
                                    eachAtOnce(measured, (name, pid) -> jfr.start(pid));
                                }, o.memorySeconds(), TimeUnit.SECONDS));
                            }, () -> {
                                join(allocationStart.get());
                                eachAtOnce(measured, (name, pid) -> allocated.put(name, jfr.stop(pid, name)));
                                allocationResults[1] = recorded(sut);
                            });
                    long nodeResults = allocationResults[1] - allocationResults[0];
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
                    all.put("node_results_per_s", Math.round(nodeResults / (double) o.memorySeconds()));
                    report.row("all workers and the agent", all);
                } finally {
                    halfway.shutdownNow();
                }
            }
        }
        report.note("RSS: VmRSS of /proc/<pid>/status sampled every second in the first half of the window (peak and"
                + " last), before any recording is attached: JFR's buffers, classes and threads add 20-30 MB to a JVM");
        report.note("allocation: JFR jdk.ThreadAllocationStatistics every 1 s via jcmd JFR.start/JFR.stop over the"
                + " second half, per thread last minus first (threads born in it count whole); divided by the"
                + " node results recorded in MariaDB in the same half");
        report.note("the fleet runs inside the harness's JVM: its RSS row includes the harness (submitter, event"
                + " consumer) and is not recorded with JFR");
        return report;
    }

    private static long recorded(SystemUnderTest sut) {
        Long n = sut.recordedNodeResults();
        if (n == null) {
            throw new IllegalStateException("could not count the node results recorded in MariaDB");
        }
        return n;
    }

    private static void join(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the allocation recording started", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("starting the allocation recording failed", e.getCause());
        }
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
