package io.purgeline.runtime;

import io.purgeline.contracts.Alert;
import java.util.Map;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

/**
 * Parks messages that can never be processed in their area's {@code *.dead} queue, unchanged but for two headers
 * (the reason and the queue they came from), and raises an alert. Replaying one is publishing it back as it was.
 */
public final class DeadLetters {
    private final Publisher publisher;
    private final Topology topology;
    private final Alerts alerts;

    public DeadLetters(Publisher publisher, Topology topology, Alerts alerts) {
        this.publisher = publisher;
        this.topology = topology;
        this.alerts = alerts;
    }

    public void park(Topology.Area area, String sourceQueue, Inbound in, String reason) {
        MessageProperties props = in.message().getMessageProperties();
        props.setHeader(Topology.DEAD_REASON_HEADER, reason);
        props.setHeader(Topology.DEAD_SOURCE_HEADER, sourceQueue);
        publisher.publishRaw(topology.deadExchange(), area.key(), new Message(in.body(), props));
        alerts.raise(Alert.WARNING, "poison_message",
                "a message from " + sourceQueue + " was parked in " + topology.deadQueue(area) + ": " + reason,
                in.correlationId(), null,
                Map.of("queue", sourceQueue, "message_id", String.valueOf(in.messageId())));
    }
}
