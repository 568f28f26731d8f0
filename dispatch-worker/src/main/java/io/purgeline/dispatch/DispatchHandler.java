package io.purgeline.dispatch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.purgeline.contracts.Alert;
import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Lane;
import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.Inbound;
import io.purgeline.runtime.InflightDeliveries;
import io.purgeline.runtime.PoisonMessageException;
import io.purgeline.runtime.Publisher;
import io.purgeline.runtime.QueueConsumer;
import io.purgeline.runtime.StoredDeliveries;
import io.purgeline.runtime.Topology;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Handles one lane message: expires it if its task's deadline has passed, parks the nodes that are offline, records
 * the rest as in flight and sends every node its batch, then parks nodes that did not answer, publishes retries for
 * the other failures and FAILED outcomes (and dead letters) for nodes out of attempts, all confirmed, before returning
 * (the consumer acks on return). A crash before that redelivers the message, so no node's work is lost; at worst a
 * node gets a batch twice.
 */
public final class DispatchHandler implements QueueConsumer.Handler<DispatchMessage> {
    private static final Logger log = LoggerFactory.getLogger(DispatchHandler.class);

    private final Lane lane;
    private final AgentClient agents;
    private final RetryPolicy retries;
    private final OfflineParking parking;
    private final InflightDeliveries inflight;
    private final Duration resultDue;
    private final Publisher publisher;
    private final Topology topology;
    private final Alerts alerts;
    private final Clock clock;
    private final Counter accepted;
    private final Counter failed;
    private final Counter givenUp;
    private final Counter expired;

    /**
     * @param lane      the lane whose queue this handler consumes; retries expire back into it
     * @param resultDue how long after a send its result may take: the agent's answer time plus the in-flight timeout
     */
    public DispatchHandler(Lane lane, AgentClient agents, RetryPolicy retries, OfflineParking parking,
            InflightDeliveries inflight, Duration resultDue, Publisher publisher, Topology topology, Alerts alerts,
            Clock clock, MeterRegistry metrics) {
        this.lane = lane;
        this.agents = agents;
        this.retries = retries;
        this.parking = parking;
        this.inflight = inflight;
        this.resultDue = resultDue;
        this.publisher = publisher;
        this.topology = topology;
        this.alerts = alerts;
        this.clock = clock;
        this.accepted = metrics.counter("purgeline_dispatch_deliveries_total", "lane", lane.wire(), "result", "accepted");
        this.failed = metrics.counter("purgeline_dispatch_deliveries_total", "lane", lane.wire(), "result", "failed");
        this.givenUp = metrics.counter("purgeline_dispatch_nodes_failed_total", "lane", lane.wire());
        this.expired = metrics.counter("purgeline_dispatch_nodes_expired_total", "lane", lane.wire());
    }

    @Override
    public void handle(DispatchMessage message, Inbound in) {
        validate(message);
        MDC.put("task_id", message.taskId());
        try {
            Instant now = clock.instant();
            if (message.deadlineAt() != null && !now.isBefore(message.deadlineAt())) {
                expire(message, now);
                return;
            }
            List<Assignment> toSend = parking.parkForOfflineNodes(message);
            if (toSend.isEmpty()) {
                return;
            }
            send(message.withAssignments(toSend));
        } finally {
            MDC.remove("task_id");
        }
    }

    private void send(DispatchMessage message) {
        // Recorded before sending, not after: a quick agent's callback must find the entry to settle, or the sweeper
        // would later send a finished subtask again.
        long now = clock.millis();
        Map<Long, List<DispatchMessage>> byDue = new LinkedHashMap<>();
        for (Assignment a : message.assignments()) {
            byDue.computeIfAbsent(now + resultDue(a), d -> new ArrayList<>()).add(StoredDeliveries.of(message, a));
        }
        byDue.forEach((due, deliveries) -> inflight.record(deliveries, due)); // one group unless attempts differ
        List<Delivery> deliveries = agents.deliver(message);
        keepAttemptsOfRunningWork(message, deliveries);
        List<Delivery> failures = deliveries.stream().filter(d -> !d.ok()).toList();
        accepted.increment(deliveries.size() - failures.size());
        failed.increment(failures.size());
        if (failures.isEmpty()) {
            return;
        }
        inflight.removeIfUnchanged(failures.stream().map(d -> new InflightDeliveries.Due(d.assignment().subtaskId(),
                now + resultDue(d.assignment()), null)).toList());
        List<Delivery> left = parking.parkUnanswered(message, failures);
        RetryPolicy.Plan plan = retries.plan(message, lane, left, clock.instant());
        publisher.publish(plan.messages());
        log.info("task {}: {} of {} node(s) did not accept their batch; {} parked (node offline), {} will be retried,"
                        + " {} recorded failed", message.taskId(), failures.size(), deliveries.size(),
                failures.size() - left.size(), left.size() - plan.givenUp().size(), plan.givenUp().size());
        for (Delivery d : plan.givenUp()) {
            givenUp.increment();
            alerts.raise(Alert.WARNING, d.unanswered() ? "node_unreachable" : "delivery_failed", "task "
                            + message.taskId() + " on node " + d.assignment().nodeId() + ": " + d.finalReason()
                            + "; the delivery is parked in " + topology.deadQueue(Topology.Area.DISPATCH),
                    message.taskId(), d.assignment().nodeId(), Map.of("subtask_id", d.assignment().subtaskId(),
                            "address", String.valueOf(d.assignment().address()),
                            "attempts", Integer.toString(d.assignment().attempt())));
        }
    }

    /**
     * How long a delivery's result may take. A result late once is likely late again for the same reason (a backlog
     * at the agent or on the way back): each re-send waits twice as long as the one before, up to 8 times, so that
     * timeouts under load do not multiply the load.
     */
    private long resultDue(Assignment a) {
        return resultDue.toMillis() << Math.min(Math.max(a.attempt() - 1, 0), 3);
    }

    /**
     * A re-send that finds the agent still working on the subtask (a long queue, a slow cache) was a check, not a
     * failed attempt: the stored delivery goes back to the attempt it had, so a node that is busy but alive is never
     * recorded failed for it. Its task's deadline still bounds the wait.
     */
    private void keepAttemptsOfRunningWork(DispatchMessage message, List<Delivery> deliveries) {
        List<DispatchMessage> running = deliveries.stream()
                .filter(d -> d.stillRunning() && d.assignment().attempt() > 1)
                .map(d -> StoredDeliveries.of(message, d.assignment().previousAttempt()))
                .toList();
        inflight.replaceIfPending(running);
        if (!running.isEmpty()) {
            log.info("task {}: {} node(s) still working on their subtask; attempts not counted", message.taskId(),
                    running.size());
        }
    }

    /** Past the deadline, sending cannot help the task any more: its nodes are recorded expired, unsent. */
    private void expire(DispatchMessage message, Instant now) {
        publisher.publish(OutcomeSaves.save(topology, message.taskId(), message.assignments().stream()
                .map(a -> OutcomeSaves.expired(a, now)).toList()));
        expired.increment(message.assignments().size());
        log.info("task {}: deadline {} passed, {} node(s) recorded expired without sending", message.taskId(),
                message.deadlineAt(), message.assignments().size());
    }

    /** A message that cannot be dispatched as it is will never be: it is poison, parked with the reason. */
    static void validate(DispatchMessage m) {
        if (m.taskId() == null || m.taskId().isBlank()) {
            throw new PoisonMessageException("dispatch message has no task_id");
        }
        if (m.type() == null) {
            throw new PoisonMessageException("dispatch message for task " + m.taskId()
                    + " has no type or an unknown one");
        }
        if (m.targets() == null || m.targets().isEmpty()) {
            throw new PoisonMessageException("dispatch message for task " + m.taskId() + " has no targets");
        }
        if (m.assignments() == null || m.assignments().isEmpty()) {
            throw new PoisonMessageException("dispatch message for task " + m.taskId() + " has no assignments");
        }
        for (Assignment a : m.assignments()) {
            if (a == null || a.subtaskId() == null || a.subtaskId().isBlank() || a.nodeId() == null
                    || a.nodeId().isBlank() || a.attempt() < 1) {
                throw new PoisonMessageException("dispatch message for task " + m.taskId()
                        + " has an assignment without subtask_id, node_id or a positive attempt: " + a);
            }
        }
    }
}
