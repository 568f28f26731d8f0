package io.purgeline.runtime;

import java.util.Map;

/**
 * A message to publish: where, what, and the AMQP properties that matter to us. {@code type} names the payload's
 * record so that a consumer of mixed messages (the saves queues) decodes without guessing.
 */
public record Outgoing(
        String exchange,
        String routingKey,
        String type,
        Object payload,
        Integer priority,
        String messageId,
        String correlationId,
        Map<String, Object> headers) {

    public static Outgoing of(String exchange, String routingKey, String type, Object payload) {
        return new Outgoing(exchange, routingKey, type, payload, null, null, null, Map.of());
    }

    public Outgoing priority(int p) {
        return new Outgoing(exchange, routingKey, type, payload, p, messageId, correlationId, headers);
    }

    public Outgoing messageId(String id) {
        return new Outgoing(exchange, routingKey, type, payload, priority, id, correlationId, headers);
    }

    /** Correlation id, also used as the trace id: the task id for everything that belongs to a task. */
    public Outgoing correlationId(String id) {
        return new Outgoing(exchange, routingKey, type, payload, priority, messageId, id, headers);
    }

    public Outgoing headers(Map<String, Object> h) {
        return new Outgoing(exchange, routingKey, type, payload, priority, messageId, correlationId, Map.copyOf(h));
    }
}
