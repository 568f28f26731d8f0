package io.purgeline.ingest;

import io.purgeline.contracts.TaskEvent;
import io.purgeline.contracts.TaskSubmission;
import io.purgeline.runtime.BrokerException;
import io.purgeline.runtime.Outgoing;
import io.purgeline.runtime.Publisher;
import io.purgeline.runtime.Topology;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells upstream what intake decided: {@code task.accepted}, {@code task.rejected}, {@code task.duplicate}. */
public final class TaskEvents {
    /** AMQP {@code type} of every task event. */
    public static final String MESSAGE_TYPE = "task.event";

    private static final Logger log = LoggerFactory.getLogger(TaskEvents.class);

    private final Publisher publisher;
    private final Topology topology;

    public TaskEvents(Publisher publisher, Topology topology) {
        this.publisher = publisher;
        this.topology = topology;
    }

    /**
     * The {@code task.accepted} event, published with the task's own messages in one confirmed batch. A crash before
     * the task is marked accepted publishes it again on redelivery; its message id is stable so that upstream can
     * drop the copy.
     */
    public Outgoing accepted(Expansion plan) {
        var c = plan.created();
        TaskEvent event = new TaskEvent(c.taskId(), c.apiId(), c.type().wire(), "accepted", plan.total(), 0, 0, 0,
                null, List.of(), c.acceptedAt(), null, null);
        return message(event).messageId(c.taskId() + ":" + event.routingKey());
    }

    public void duplicate(ValidTask task) {
        publish(new TaskEvent(task.taskId(), task.apiId(), task.type().wire(), "duplicate", 0, 0, 0, 0, null,
                List.of(), null, null, null));
    }

    /** The submission as given (its task id may be absent), with the reason it was refused. */
    public void rejected(TaskSubmission s, String reason) {
        publish(new TaskEvent(s.taskId(), s.apiId(), s.type(), "rejected", 0, 0, 0, 0, null, List.of(), null, null,
                reason));
    }

    private Outgoing message(TaskEvent event) {
        return Outgoing.of(topology.eventsExchange(), event.routingKey(), MESSAGE_TYPE, event)
                .correlationId(event.taskId());
    }

    /**
     * Confirmed, but a failure is logged rather than thrown: the event follows a decision already made (for an accepted
     * task, after its marker is set), and failing here would only make a redelivery answer "duplicate".
     */
    private void publish(TaskEvent event) {
        try {
            publisher.publish(message(event));
        } catch (BrokerException e) {
            log.error("could not publish {} for task {}", event.routingKey(), event.taskId(), e);
        }
    }
}
