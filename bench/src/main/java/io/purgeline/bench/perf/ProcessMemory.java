package io.purgeline.bench.perf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Resident memory of processes, from {@code /proc/<pid>/status} (VmRSS), sampled every second while a load runs:
 * the peak and the last value of each.
 */
final class ProcessMemory implements AutoCloseable {
    private final Map<String, Long> pids;
    private final Map<String, Long> peakKb = new ConcurrentHashMap<>();
    private final Map<String, Long> lastKb = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;

    /** @param pids process name → pid (use {@link ProcessHandle#current()} for this JVM) */
    ProcessMemory(Map<String, Long> pids) {
        this.pids = new LinkedHashMap<>(pids);
    }

    void start() {
        timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "bench-rss-sampler"));
        timer.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
    }

    /** Stops sampling: {@link #figures} keeps what was seen until now. */
    void stop() {
        timer.shutdownNow();
    }

    private void sample() {
        pids.forEach((name, pid) -> {
            long kb = rssKb(pid);
            if (kb > 0) {
                lastKb.put(name, kb);
                peakKb.merge(name, kb, Math::max);
            }
        });
    }

    /** name → {peak_mb, last_mb}. */
    Map<String, Map<String, Long>> figures() {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        for (String name : pids.keySet()) {
            out.put(name, Map.of("rss_peak_mb", peakKb.getOrDefault(name, 0L) >> 10,
                    "rss_last_mb", lastKb.getOrDefault(name, 0L) >> 10));
        }
        return out;
    }

    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException gone) {
            // The process ended; it keeps its last sample.
        }
        return 0;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
