package io.purgeline.bench.perf;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Durations of one kind, collected from any thread; summarised as count, p50, p90, p99 and max in milliseconds. */
public final class Latencies {
    private final List<Long> nanos = new ArrayList<>();

    public synchronized void add(long durationNanos) {
        nanos.add(durationNanos);
    }

    public synchronized int count() {
        return nanos.size();
    }

    /** The value at quantile {@code q} (0–1) by the nearest-rank method, in ms; NaN when nothing was recorded. */
    public synchronized double quantileMs(double q) {
        if (nanos.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1))) / 1e6;
    }

    /** count, p50_ms, p90_ms, p99_ms, max_ms: the figures every latency row of every scenario carries. */
    public Map<String, Object> summary() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("count", count());
        s.put("p50_ms", round(quantileMs(0.50)));
        s.put("p90_ms", round(quantileMs(0.90)));
        s.put("p99_ms", round(quantileMs(0.99)));
        s.put("max_ms", round(quantileMs(1.0)));
        return s;
    }

    static double round(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 100) / 100.0;
    }
}
