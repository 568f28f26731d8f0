package io.purgeline.runtime;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Messages ready in the queues a worker consumes, for {@code /stats} and as the gauge {@code purgeline_queue_depth}
 * (tag {@code queue}) in {@code /metrics}. One broker round trip reads them all, at most once a second however often
 * they are asked for; while the broker does not answer they read "unavailable" (NaN in /metrics).
 */
public final class QueueDepths {
    private static final long MAX_AGE_NANOS = 1_000_000_000L;

    private final Broker broker;
    private final Map<String, String> queues;
    private Map<String, Long> last = Map.of();
    private long readAt;
    private boolean read;

    /** @param queues a short name for each queue ({@code fast}, {@code saves.0}) and the queue */
    public QueueDepths(Broker broker, Map<String, String> queues, MeterRegistry registry) {
        this.broker = broker;
        this.queues = Map.copyOf(queues);
        for (String name : queues.keySet()) {
            Gauge.builder("purgeline_queue_depth", () -> {
                Long depth = depths().get(name);
                return depth == null ? Double.NaN : depth;
            }).tag("queue", name).description("messages ready in a queue the worker consumes").register(registry);
        }
    }

    /** Each queue's depth, in the order given; "unavailable" for all while the broker does not answer. */
    public Map<String, Object> snapshot() {
        Map<String, Long> depths = depths();
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name : queues.keySet()) {
            Object depth = depths.get(name);
            out.put(name, depth == null ? "unavailable" : depth);
        }
        return out;
    }

    private synchronized Map<String, Long> depths() {
        if (read && System.nanoTime() - readAt < MAX_AGE_NANOS) {
            return last;
        }
        Map<String, Long> fresh = new LinkedHashMap<>();
        try {
            broker.withChannel(ch -> {
                for (Map.Entry<String, String> q : queues.entrySet()) {
                    fresh.put(q.getKey(), ch.messageCount(q.getValue()));
                }
            });
        } catch (BrokerException e) {
            fresh.clear();
        }
        last = fresh;
        readAt = System.nanoTime();
        read = true;
        return last;
    }
}
