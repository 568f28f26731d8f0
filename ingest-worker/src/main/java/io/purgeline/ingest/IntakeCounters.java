package io.purgeline.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.purgeline.service.Metrics;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** How intake has decided so far, and what arrived by which way, for /metrics and /stats. */
public final class IntakeCounters {
    /** Where submissions come from. */
    public enum Source {
        AMQP, HTTP;

        String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Counter accepted;
    private final Counter rejected;
    private final Counter duplicates;
    private final Map<Source, Counter> received = new EnumMap<>(Source.class);
    private final Map<Source, Timer> batches = new EnumMap<>(Source.class);

    public IntakeCounters(MeterRegistry registry) {
        this.accepted = counter(registry, "accepted");
        this.rejected = counter(registry, "rejected");
        this.duplicates = counter(registry, "duplicate");
        for (Source s : Source.values()) {
            received.put(s, Counter.builder("purgeline_ingest_submissions_total").tag("source", s.key())
                    .description("task submissions received, by intake").register(registry));
            batches.put(s, Metrics.latency(registry, "purgeline_ingest_batch_seconds",
                    "time to decide a batch of submissions and hand its tasks on (one confirm)", "source", s.key()));
        }
    }

    /** A batch of {@code count} submissions from {@code source} was decided in {@code nanos}. */
    void received(Source source, int count, long nanos) {
        received.get(source).increment(count);
        batches.get(source).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    /** The running total of submissions received from {@code source}. */
    public double receivedTotal(Source source) {
        return received.get(source).count();
    }

    public double acceptedTotal() {
        return accepted.count();
    }

    public double rejectedTotal() {
        return rejected.count();
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
