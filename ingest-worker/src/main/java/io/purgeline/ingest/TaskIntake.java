package io.purgeline.ingest;

import io.purgeline.contracts.TaskSubmission;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path from a submission to an accepted task, shared by the AMQP and HTTP intakes: validate, refuse
 * duplicates, expand onto the nodes, publish the save and the dispatches, and only then mark the task accepted.
 *
 * <p>A crash between publishing and marking leaves the task unmarked, so its redelivery (or the client's retry) is
 * published again; downstream is idempotent per subtask, so a copy does no harm, while marking first could lose a task
 * that was never handed on.
 */
public final class TaskIntake {
    private static final Logger log = LoggerFactory.getLogger(TaskIntake.class);

    /** What intake decided about one submission. */
    public sealed interface Result permits Accepted, Rejected, Duplicate {}

    public record Accepted(String taskId, int total) implements Result {}

    /** @param reason a sentence naming the field or condition that made the task unacceptable */
    public record Rejected(String reason) implements Result {}

    public record Duplicate(String taskId) implements Result {}

    private final TaskValidator validator;
    private final NodeRegistry nodes;
    private final TaskExpander expander;
    private final ExpansionPublisher publisher;
    private final AcceptedMarkers markers;
    private final TaskEvents events;
    private final IntakeCounters counters;

    public TaskIntake(TaskValidator validator, NodeRegistry nodes, TaskExpander expander,
            ExpansionPublisher publisher, AcceptedMarkers markers, TaskEvents events, IntakeCounters counters) {
        this.validator = validator;
        this.nodes = nodes;
        this.expander = expander;
        this.publisher = publisher;
        this.markers = markers;
        this.events = events;
        this.counters = counters;
    }

    /**
     * Decides and acts on one submission. Broker, Redis and database failures propagate (the caller retries or leaves
     * the message unacked); bad input never throws, it is a {@link Rejected}.
     */
    public Result accept(TaskSubmission submission) {
        ValidTask task;
        Expansion plan;
        try {
            task = validator.validate(submission);
            if (markers.isAccepted(task.taskId())) {
                events.duplicate(task);
                counters.duplicate();
                log.info("task {} was already accepted; ignoring the resubmission", task.taskId());
                return new Duplicate(task.taskId());
            }
            plan = expander.expand(task, nodes.snapshot(), Instant.now());
        } catch (InvalidInputException e) {
            events.rejected(submission, e.getMessage());
            counters.rejected();
            log.info("rejected task {} of {}: {}", submission.taskId(), submission.apiId(), e.getMessage());
            return new Rejected(e.getMessage());
        }
        publisher.publish(plan, events.accepted(plan));
        markers.markAccepted(plan.taskId(), plan.total());
        counters.accepted();
        log.info("accepted task {} of {}: {} {} target(s) on {} node(s), {} lane", plan.taskId(), task.apiId(),
                task.targets().size(), task.type().wire(), plan.total(), plan.created().lane().wire());
        return new Accepted(plan.taskId(), plan.total());
    }
}
