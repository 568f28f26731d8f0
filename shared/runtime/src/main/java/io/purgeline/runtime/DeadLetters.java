package io.purgeline.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.purgeline.contracts.Alert;
import java.util.Map;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

/**
 * Parks messages that can never be processed in their area's {@code *.dead} queue, unchanged but for two headers
 * (the reason and the queue they came from), raises an alert and counts them in
 * {@code purgeline_dead_letters_total{area, reason}}. Replaying one is publishing it back as it was.
 */
public final class DeadLetters {
    /** The reason code of a message that failed every time it was tried, for a cause not known to be transient. */
    public static final String FAILED_REPEATEDLY = "failed_repeatedly";

    private final Publisher publisher;
    private final Topology topology;
    private final Alerts alerts;
    private final MeterRegistry metrics;

    /** Counting into a registry of its own; for tests and tools that serve no {@code /metrics}. */
    public DeadLetters(Publisher publisher, Topology topology, Alerts alerts) {
        this(publisher, topology, alerts, new SimpleMeterRegistry());
    }

    public DeadLetters(Publisher publisher, Topology topology, Alerts alerts, MeterRegistry metrics) {
        this.publisher = publisher;
        this.topology = topology;
        this.alerts = alerts;
        this.metrics = metrics;
    }

    /** Parks a message refused as invalid. */
    public void park(Topology.Area area, String sourceQueue, Inbound in, String reason) {
        park(area, sourceQueue, in, PoisonMessageException.INVALID, reason);
    }

    /** @param code the kind of reason, a low-cardinality metric tag (see {@link PoisonMessageException#code()}) */
    public void park(Topology.Area area, String sourceQueue, Inbound in, String code, String reason) {
        MessageProperties props = in.message().getMessageProperties();
        props.setHeader(Topology.DEAD_REASON_HEADER, reason);
        props.setHeader(Topology.DEAD_SOURCE_HEADER, sourceQueue);
        publisher.publishRaw(topology.deadExchange(), area.key(), new Message(in.body(), props));
        Counter.builder("purgeline_dead_letters_total").tag("area", area.key()).tag("reason", code)
                .description("messages parked in a dead-letter queue, by area and kind of reason")
                .register(metrics).increment();
        alerts.raise(Alert.WARNING, "poison_message",
                "a message from " + sourceQueue + " was parked in " + topology.deadQueue(area) + ": " + reason,
                in.correlationId(), null,
                Map.of("queue", sourceQueue, "message_id", String.valueOf(in.messageId())));
    }
}
