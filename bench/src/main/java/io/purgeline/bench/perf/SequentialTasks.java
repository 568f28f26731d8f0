package io.purgeline.bench.perf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One URL, one task at a time: submit, wait for its final event, submit the next. The latency of a task is from just
 * before it is submitted (before the publish, or before the POST) to the arrival of its final event.
 */
final class SequentialTasks {
    /**
     * What a case measured: latencies of the measured tasks, how each of them ended, and the machine's processor time
     * busy while they ran, in all and in cores on average (NaN where unknown), and per task by part of the system.
     */
    record Outcome(Latencies latencies, Map<String, Integer> finals, int timedOut, List<Measured> measured,
            double busyMs, double coresBusy, Map<String, Double> msPerTaskByProcess) {
        Map<String, Object> figures() {
            Map<String, Object> f = new LinkedHashMap<>(latencies.summary());
            f.put("completed", finals.getOrDefault("task.completed", 0));
            f.put("not_completed", finals.entrySet().stream().filter(e -> !e.getKey().equals("task.completed"))
                    .mapToInt(Map.Entry::getValue).sum() + timedOut);
            f.put("cpu_ms_per_task", measured.isEmpty() || Double.isNaN(busyMs) ? null
                    : Math.round(busyMs / measured.size() * 10) / 10.0);
            f.put("cores_busy", Double.isNaN(coresBusy) ? null : Math.round(coresBusy * 100) / 100.0);
            f.put("cpu_ms_per_task_by_process", msPerTaskByProcess);
            return f;
        }
    }

    private SequentialTasks() {}

    /**
     * Sends {@code warmup} tasks unmeasured, then up to {@code samples} measured ones, stopping early when
     * {@code limit} is spent (a slow build still finishes the run; the row says how many were measured).
     */
    static Outcome run(SystemUnderTest sut, Submitter.Transport transport, List<String> regions, int warmup,
            int samples, Duration limit) throws Exception {
        Duration patience = limit.compareTo(Duration.ofSeconds(60)) > 0 ? limit : Duration.ofSeconds(60);
        long warmUntil = System.nanoTime() + limit.toNanos();
        Latencies latencies = new Latencies();
        Map<String, Integer> finals = new LinkedHashMap<>();
        List<Measured> measured = new ArrayList<>();
        int timedOut = 0;
        for (int i = 0; i < warmup && System.nanoTime() < warmUntil; i++) {
            try {
                one(sut, transport, regions, patience);
            } catch (TimeoutException e) {
                // A build that cannot finish one task in time gets a row that says so, not a failed scenario.
                return new Outcome(latencies, finals, 1, List.of(), Double.NaN, Double.NaN, Map.of());
            }
        }
        MachineCpu start = MachineCpu.now();
        ProcessCpu startByProcess = ProcessCpu.now();
        long until = System.nanoTime() + limit.toNanos();
        while (latencies.count() + timedOut < samples && System.nanoTime() < until) {
            try {
                Timed t = one(sut, transport, regions, patience);
                finals.merge(t.seen().routingKey(), 1, Integer::sum);
                long took = t.seen().arrivedNanos() - t.submittedNanos();
                latencies.add(took);
                measured.add(new Measured(t.taskId(), t.submittedMillis(), t.submittedMillis() + took / 1_000_000));
            } catch (TimeoutException e) {
                timedOut++;
                break;
            }
        }
        MachineCpu end = MachineCpu.now();
        Map<String, Double> byProcess = measured.isEmpty() ? Map.of()
                : ProcessCpu.now().msSince(startByProcess, measured.size());
        return new Outcome(latencies, finals, timedOut, measured, end.busyMsSince(start), end.coresBusySince(start),
                byProcess);
    }

    /** A measured task: its id, when it was submitted and when its final event arrived (epoch milliseconds). */
    record Measured(String taskId, long submittedMillis, long arrivedMillis) {}

    /** A task's final event and when the task was submitted. */
    private record Timed(String taskId, TaskEvents.Seen seen, long submittedNanos, long submittedMillis) {}

    private static Timed one(SystemUnderTest sut, Submitter.Transport transport, List<String> regions,
            Duration patience) throws Exception {
        String taskId = Tasks.scoped("lat-" + UUID.randomUUID());
        CompletableFuture<TaskEvents.Seen> done = sut.events().finalEvent(taskId);
        String json = Tasks.refresh(taskId, Tasks.CUSTOMER, 1, regions);
        long startMillis = System.currentTimeMillis();
        long start = System.nanoTime();
        sut.submitter().submit(transport, taskId, json);
        try {
            return new Timed(taskId, done.get(patience.toMillis(), TimeUnit.MILLISECONDS), start, startMillis);
        } catch (TimeoutException e) {
            sut.events().forget(taskId);
            throw e;
        }
    }
}
