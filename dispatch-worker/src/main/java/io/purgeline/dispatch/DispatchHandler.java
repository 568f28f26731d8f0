package io.purgeline.dispatch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.purgeline.contracts.Alert;
import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Lane;
import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.Inbound;
import io.purgeline.runtime.PoisonMessageException;
import io.purgeline.runtime.Publisher;
import io.purgeline.runtime.QueueConsumer;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Handles one lane message: sends every node its batch, then publishes retries for the nodes that did not accept
 * and FAILED outcomes for the nodes out of attempts, all confirmed, before returning (the consumer acks on return).
 * A crash before that redelivers the message, so no node's work is lost; at worst a node gets a batch twice.
 */
public final class DispatchHandler implements QueueConsumer.Handler<DispatchMessage> {
    private static final Logger log = LoggerFactory.getLogger(DispatchHandler.class);

    private final Lane lane;
    private final AgentClient agents;
    private final RetryPolicy retries;
    private final Publisher publisher;
    private final Alerts alerts;
    private final Clock clock;
    private final Counter accepted;
    private final Counter failed;
    private final Counter givenUp;

    /** @param lane the lane whose queue this handler consumes; retries expire back into it */
    public DispatchHandler(Lane lane, AgentClient agents, RetryPolicy retries, Publisher publisher, Alerts alerts,
            Clock clock, MeterRegistry metrics) {
        this.lane = lane;
        this.agents = agents;
        this.retries = retries;
        this.publisher = publisher;
        this.alerts = alerts;
        this.clock = clock;
        this.accepted = metrics.counter("purgeline_dispatch_deliveries_total", "lane", lane.wire(), "result", "accepted");
        this.failed = metrics.counter("purgeline_dispatch_deliveries_total", "lane", lane.wire(), "result", "failed");
        this.givenUp = metrics.counter("purgeline_dispatch_nodes_failed_total", "lane", lane.wire());
    }

    @Override
    public void handle(DispatchMessage message, Inbound in) {
        validate(message);
        MDC.put("task_id", message.taskId());
        try {
            List<Delivery> deliveries = agents.deliver(message);
            List<Delivery> failures = deliveries.stream().filter(d -> !d.ok()).toList();
            accepted.increment(deliveries.size() - failures.size());
            failed.increment(failures.size());
            if (failures.isEmpty()) {
                return;
            }
            RetryPolicy.Plan plan = retries.plan(message, lane, failures, clock.instant());
            publisher.publish(plan.messages());
            log.info("task {}: {} of {} node(s) did not accept their batch; {} will be retried, {} recorded failed",
                    message.taskId(), failures.size(), deliveries.size(), failures.size() - plan.givenUp().size(),
                    plan.givenUp().size());
            for (Delivery d : plan.givenUp()) {
                givenUp.increment();
                alerts.raise(Alert.WARNING, "node_unreachable", "task " + message.taskId() + " on node "
                                + d.assignment().nodeId() + ": " + d.finalReason(), message.taskId(),
                        d.assignment().nodeId(), Map.of("subtask_id", d.assignment().subtaskId(),
                                "address", String.valueOf(d.assignment().address()),
                                "attempts", Integer.toString(d.assignment().attempt())));
            }
        } finally {
            MDC.remove("task_id");
        }
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
