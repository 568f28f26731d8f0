package io.purgeline.ingest;

import io.purgeline.contracts.TaskSubmission;
import io.purgeline.contracts.Node;
import io.purgeline.service.Refusals;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
    public sealed interface Result permits Accepted, Rejected, Refused, Duplicate {}

    public record Accepted(String taskId, int total) implements Result {}

    /**
     * @param reason a sentence naming the field or condition that made the task unacceptable
     * @param code   the API error code: {@link InvalidInputException#INVALID} or {@link InvalidInputException#TOO_LARGE}
     */
    public record Rejected(String reason, String code) implements Result {
        public Rejected(String reason) {
            this(reason, InvalidInputException.INVALID);
        }

        public int httpStatus() {
            return InvalidInputException.TOO_LARGE.equals(code) ? 413 : 400;
        }
    }

    /**
     * Refused for want of trust: an unknown or disabled customer, a target outside the customer's domains.
     *
     * @param reason the refusal's code ({@code foreign_domain}, ...), as counted and answered
     */
    public record Refused(String reason, String message) implements Result {}

    public record Duplicate(String taskId) implements Result {}

    private final TaskValidator validator;
    private final CustomerAdmission admission;
    private final Refusals refusals;
    private final NodeRegistry nodes;
    private final TaskExpander expander;
    private final ExpansionPublisher publisher;
    private final AcceptedMarkers markers;
    private final TaskEvents events;
    private final IntakeCounters counters;

    public TaskIntake(TaskValidator validator, CustomerAdmission admission, Refusals refusals, NodeRegistry nodes,
            TaskExpander expander, ExpansionPublisher publisher, AcceptedMarkers markers, TaskEvents events,
            IntakeCounters counters) {
        this.validator = validator;
        this.admission = admission;
        this.refusals = refusals;
        this.nodes = nodes;
        this.expander = expander;
        this.publisher = publisher;
        this.markers = markers;
        this.events = events;
        this.counters = counters;
    }

    /**
     * Decides on submissions that arrived together and acts on them as one: the messages of every accepted task go
     * out in one confirmed publish and their markers in one Redis round trip, so a burst of submissions costs a
     * confirm per burst, not per task. One result per submission, in order; a task id named twice among them is
     * accepted once. Broker, Redis and database failures propagate, for all of them (the caller retries or leaves
     * the messages unacked): nothing is marked accepted unless everything was published. Bad input never throws, it
     * is a {@link Rejected}.
     */
    public List<Result> acceptAll(IntakeCounters.Source source, List<TaskSubmission> submissions) {
        long start = System.nanoTime();
        try {
            return acceptAll(submissions);
        } finally {
            counters.received(source, submissions.size(), System.nanoTime() - start);
        }
    }

    /** {@link #acceptAll(IntakeCounters.Source, List)} without counting where the submissions came from. */
    public List<Result> acceptAll(List<TaskSubmission> submissions) {
        Result[] results = new Result[submissions.size()];
        // Announced only once the accepted ones are published: a failed publish requeues the whole batch, and its
        // redelivery announces each decision once.
        List<Runnable> announcements = new ArrayList<>();
        List<ValidTask> valid = new ArrayList<>();
        List<Integer> validAt = new ArrayList<>();
        List<TaskSubmission> scoped = new ArrayList<>(submissions);
        for (int i = 0; i < submissions.size(); i++) {
            try {
                scoped.set(i, admission.scope(submissions.get(i)));
                ValidTask task = validator.validate(scoped.get(i));
                admission.checkDomains(task);
                valid.add(task);
                validAt.add(i);
            } catch (InvalidInputException e) {
                results[i] = reject(scoped.get(i), e, announcements);
            } catch (CustomerAdmission.RefusedException e) {
                results[i] = refuse(scoped.get(i), e, announcements);
            }
        }
        Set<String> known = markers.acceptedAmong(valid.stream().map(ValidTask::taskId).toList());
        List<Node> registered = valid.isEmpty() ? List.of() : nodes.snapshot();
        Instant now = Instant.now();
        Set<String> planned = new HashSet<>();
        List<Expansion> plans = new ArrayList<>();
        List<Integer> plannedAt = new ArrayList<>();
        for (int k = 0; k < valid.size(); k++) {
            ValidTask task = valid.get(k);
            int i = validAt.get(k);
            if (known.contains(task.taskId()) || planned.contains(task.taskId())) {
                announcements.add(() -> {
                    events.duplicate(task);
                    counters.duplicate();
                    log.info("task {} was already accepted; ignoring the resubmission", task.taskId());
                });
                results[i] = new Duplicate(task.taskId());
                continue;
            }
            try {
                plans.add(expander.expand(task, registered, now));
                plannedAt.add(i);
                planned.add(task.taskId());
            } catch (InvalidInputException e) {
                results[i] = reject(scoped.get(i), e, announcements);
            }
        }
        if (!plans.isEmpty()) {
            publisher.publish(plans, plans.stream().map(events::accepted).toList());
            markers.markAccepted(plans);
        }
        for (int k = 0; k < plans.size(); k++) {
            Expansion plan = plans.get(k);
            counters.accepted();
            log.info("accepted task {} of {}: {} {} target(s) on {} node(s), {} lane", plan.taskId(),
                    plan.created().apiId(), plan.created().targets().size(), plan.created().type().wire(),
                    plan.total(), plan.created().lane().wire());
            results[plannedAt.get(k)] = new Accepted(plan.taskId(), plan.total());
        }
        announcements.forEach(Runnable::run);
        return List.of(results);
    }

    private Refused refuse(TaskSubmission submission, CustomerAdmission.RefusedException e,
            List<Runnable> announcements) {
        announcements.add(() -> {
            events.rejected(submission, e.getMessage());
            counters.rejected();
            refusals.count(e.reason());
            log.warn("refused task {} of {}: {}", submission.taskId(), submission.apiId(), e.getMessage());
        });
        return new Refused(e.reason(), e.getMessage());
    }

    private Rejected reject(TaskSubmission submission, InvalidInputException e, List<Runnable> announcements) {
        announcements.add(() -> {
            events.rejected(submission, e.getMessage());
            counters.rejected();
            log.info("rejected task {} of {}: {}", submission.taskId(), submission.apiId(), e.getMessage());
        });
        return new Rejected(e.getMessage(), e.code());
    }

    /**
     * Ends a submission that could not be handled, for a reason that did not go away, before it is parked: it is
     * announced rejected with the reason, as an invalid one is, so that its submitter learns it was never accepted.
     */
    public void giveUp(TaskSubmission submission, String reason) {
        events.rejected(submission, reason);
        counters.rejected();
        log.warn("gave up on task {} of {}: {}", submission.taskId(), submission.apiId(), reason);
    }
}
