package io.purgeline.runtime;

import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.CodecException;
import io.purgeline.contracts.DispatchMessage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageProperties;

/**
 * Deliveries kept in Redis (parked for an offline node, or in flight awaiting a result): a {@link DispatchMessage}
 * with exactly one assignment, as JSON. Going back to the broker, they become lane messages again.
 */
public final class StoredDeliveries {
    private StoredDeliveries() {}

    /** The delivery of one assignment of a message. */
    public static DispatchMessage of(DispatchMessage message, Assignment assignment) {
        return message.withAssignments(List.of(assignment));
    }

    /**
     * An in-flight delivery as kept per subtask: its assignment and what routes it (lane, priority, deadline), without
     * the task's body (type, targets, options), which is kept once per task ({@link InflightDeliveries}): a thousand
     * nodes' entries of a hundred-URL task would otherwise copy its URLs a thousand times.
     */
    public static DispatchMessage assignmentOnly(DispatchMessage message, Assignment assignment) {
        return assignmentOnly(message, List.of(assignment));
    }

    /**
     * {@link #assignmentOnly(DispatchMessage, Assignment)} with these assignments (none: what every one of the
     * message's stored deliveries shares, written once; the assignments are the record's last component, so its JSON
     * ends with their array).
     */
    static DispatchMessage assignmentOnly(DispatchMessage message, List<Assignment> assignments) {
        return new DispatchMessage(message.taskId(), null, null, null, null, message.priority(), message.lane(),
                message.deadlineAt(), assignments);
    }

    /** What every in-flight delivery of a task shares, kept once. */
    public static DispatchMessage bodyOf(DispatchMessage message) {
        return message.withAssignments(null);
    }

    /**
     * A stored assignment joined with its task's body; null when the body is needed and missing. An entry stored
     * whole (as dispatch stored them before bodies were kept apart) needs no body.
     */
    public static DispatchMessage withBody(DispatchMessage stored, DispatchMessage body) {
        if (stored.targets() != null) {
            return stored;
        }
        if (body == null) {
            return null;
        }
        return new DispatchMessage(stored.taskId(), body.apiId(), body.type(), body.targets(), body.options(),
                stored.priority(), stored.lane(), stored.deadlineAt(), stored.assignments());
    }

    /** Decodes a stored delivery; one that cannot be dispatched again is a {@link PoisonMessageException}. */
    public static DispatchMessage decode(Codec codec, String json) {
        DispatchMessage d;
        try {
            d = codec.fromJson(json, DispatchMessage.class);
        } catch (CodecException e) {
            throw new PoisonMessageException("stored delivery is not a dispatch message: " + e.getMessage(), e);
        }
        if (d.taskId() == null || d.lane() == null || d.assignments() == null || d.assignments().size() != 1
                || d.assignments().get(0) == null || d.assignments().get(0).nodeId() == null) {
            throw new PoisonMessageException("stored delivery of task " + d.taskId()
                    + " lacks a task id, a lane or its one assignment");
        }
        return d;
    }

    /** The lane message that dispatches the delivery again, as ingest publishes it (priority, correlation). */
    public static Outgoing toLane(Topology topology, DispatchMessage delivery) {
        return Outgoing.of(topology.dispatchExchange(), delivery.lane().wire(), DispatchMessage.MESSAGE_TYPE, delivery)
                .priority(delivery.priority())
                .correlationId(delivery.taskId());
    }

    /** Parks a stored delivery that cannot be decoded in dispatch.dead, as it was, with the reason and an alert. */
    public static void deadLetter(DeadLetters dead, String source, String json, String reason) {
        MessageProperties props = new MessageProperties();
        props.setContentType(MessageProperties.CONTENT_TYPE_JSON);
        props.setType(DispatchMessage.MESSAGE_TYPE);
        dead.park(Topology.Area.DISPATCH, source,
                new Inbound(new Message(json.getBytes(StandardCharsets.UTF_8), props)), reason);
    }
}
