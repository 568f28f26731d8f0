package io.purgeline.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/** How intake has decided so far, for /metrics and /stats. */
public final class IntakeCounters {
    private final Counter accepted;
    private final Counter rejected;
    private final Counter duplicates;

    public IntakeCounters(MeterRegistry registry) {
        this.accepted = counter(registry, "accepted");
        this.rejected = counter(registry, "rejected");
        this.duplicates = counter(registry, "duplicate");
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("purgeline_ingest_tasks_total").tag("outcome", outcome)
                .description("task submissions by intake outcome").register(registry);
    }

    void accepted() {
        accepted.increment();
    }

    void rejected() {
        rejected.increment();
    }

    void duplicate() {
        duplicates.increment();
    }

    public Map<String, Object> snapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("accepted", (long) accepted.count());
        out.put("rejected", (long) rejected.count());
        out.put("duplicates", (long) duplicates.count());
        return out;
    }
}
