package io.purgeline.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every request refused for want of trust (a bad signature, a foreign domain, a forged token...), counted in
 * {@code purgeline_refused_total{reason=...}} and answered with an API error body.
 */
public final class Refusals {
    public static final String METER = "purgeline_refused_total";

    private final MeterRegistry metrics;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public Refusals(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    /** Counts a refusal for {@code reason} and returns the error to throw; {@code reason} is also its error code. */
    public HttpError refuse(int status, String reason, String message) {
        count(reason);
        return new HttpError(status, reason, message);
    }

    /** Counts a refusal answered some other way (a submission refused on the AMQP intake). */
    public void count(String reason) {
        counters.computeIfAbsent(reason, r -> metrics.counter(METER, "reason", r)).increment();
    }

    /** Refusals so far, for a worker's {@code /stats}. */
    public long count() {
        return (long) counters.values().stream().mapToDouble(Counter::count).sum();
    }
}
