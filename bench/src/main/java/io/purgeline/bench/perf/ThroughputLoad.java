package io.purgeline.bench.perf;

import io.purgeline.bench.fleet.Fleet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Scenario 2's load: tasks of 1, 10 and 100 URLs, each on every node and on one region, in turn, submitted over AMQP
 * with a fixed number in flight (a task leaves the flight with its final event). After a warm-up, a window is
 * measured: node results recorded (rows in a final state in MariaDB), final events, executions on the fleet, and
 * the queues' backlog at its start and end.
 */
final class ThroughputLoad {
    /** The mix, taken in turn: URL count and regions (null: every node). */
    private static final List<Integer> URL_COUNTS = List.of(1, 10, 100);

    private final SystemUnderTest sut;
    private final Fleet fleet;
    private final List<String> region;
    private final int inFlight;
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    private final java.util.concurrent.atomic.AtomicReference<Exception> failure =
            new java.util.concurrent.atomic.AtomicReference<>();

    ThroughputLoad(SystemUnderTest sut, Fleet fleet, String region, int inFlight) {
        this.sut = sut;
        this.fleet = fleet;
        this.region = List.of(region);
        this.inFlight = inFlight;
    }

    /** The mix as settings for the report. */
    static Map<String, Object> mix(String region) {
        return Map.of("urls_per_task", URL_COUNTS, "scopes", List.of("all nodes", "region " + region),
                "transport", "amqp");
    }

    /**
     * Runs the load for {@code warmupSeconds} unmeasured, then calls {@code atStart}, measures {@code seconds},
     * calls {@code atEnd} (both inside the window's bounds), and stops submitting. Figures in the map returned.
     */
    Map<String, Object> run(int warmupSeconds, int seconds, Runnable atStart, Runnable atEnd) throws Exception {
        Semaphore flight = new Semaphore(inFlight);
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicLong windowResults = new AtomicLong();
        AtomicBoolean inWindow = new AtomicBoolean();
        java.util.function.Consumer<TaskEvents.Seen> counter = seen -> {
            if (seen.isFinal() && inWindow.get()) {
                windowResults.addAndGet(seen.nodeResults());
            }
        };
        sut.events().listen(counter);
        Thread submitter = new Thread(() -> submit(flight, loading), "bench-throughput-submitter");
        submitter.start();
        try {
            pause(warmupSeconds);
            Map<String, Long> backlogStart = sut.backlog();
            Long recordedStart = sut.recordedNodeResults();
            long executionsStart = fleet.executions().size();
            long finishedStart = finished.get();
            atStart.run();
            inWindow.set(true);
            long t0 = System.nanoTime();
            pause(seconds);
            inWindow.set(false);
            double elapsed = (System.nanoTime() - t0) / 1e9;
            Long recordedEnd = sut.recordedNodeResults();
            long executionsEnd = fleet.executions().size();
            long finishedEnd = finished.get();
            atEnd.run();
            Map<String, Long> backlogEnd = sut.backlog();
            if (failure.get() != null) {
                throw new IllegalStateException("submitting the load failed", failure.get());
            }

            Map<String, Object> f = new LinkedHashMap<>();
            f.put("window_s", Math.round(elapsed * 10) / 10.0);
            f.put("node_results", recordedStart == null || recordedEnd == null ? null : recordedEnd - recordedStart);
            f.put("node_results_per_s", recordedStart == null || recordedEnd == null ? null
                    : (double) Math.round((recordedEnd - recordedStart) / elapsed));
            f.put("node_results_per_s_by_events", (double) Math.round(windowResults.get() / elapsed));
            f.put("node_executions_per_s", (double) Math.round((executionsEnd - executionsStart) / elapsed));
            f.put("tasks_finished_per_s", Math.round((finishedEnd - finishedStart) / elapsed * 10) / 10.0);
            f.put("tasks_submitted", submitted.get());
            f.put("backlog_start", backlogStart.values().stream().mapToLong(Long::longValue).sum());
            f.put("backlog_end", backlogEnd.values().stream().mapToLong(Long::longValue).sum());
            f.put("backlog_end_by_queue", backlogEnd);
            f.put("nodes_declared_offline", sut.nodesDeclaredOffline());
            return f;
        } finally {
            loading.set(false);
            submitter.join(60_000);
            sut.events().unlisten(counter);
        }
    }

    private void submit(Semaphore flight, AtomicBoolean loading) {
        int n = 0;
        while (loading.get()) {
            try {
                if (!flight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                int urls = URL_COUNTS.get(n % URL_COUNTS.size());
                List<String> scope = (n / URL_COUNTS.size()) % 2 == 0 ? null : region;
                String taskId = Tasks.scoped("tp-" + n + "-" + Long.toHexString(System.nanoTime()));
                n++;
                sut.events().finalEvent(taskId).whenComplete((s, e) -> {
                    finished.incrementAndGet();
                    flight.release();
                });
                sut.submitter().publish(taskId, Tasks.refresh(taskId, Tasks.CUSTOMER, urls, scope));
                submitted.incrementAndGet();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                // Reported by run(): figures of a load that stopped early must not pass for a measurement.
                failure.set(e);
                return;
            }
        }
    }

    /** The load's clock: how long it runs is the measurement, not a wait for something to happen. */
    private static void pause(int seconds) throws InterruptedException {
        Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    }
}
