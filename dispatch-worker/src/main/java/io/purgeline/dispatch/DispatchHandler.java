package io.purgeline.dispatch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Lane;
import io.purgeline.runtime.Inbound;
import io.purgeline.runtime.InflightDeliveries;
import io.purgeline.runtime.PoisonMessageException;
import io.purgeline.runtime.Publisher;
import io.purgeline.runtime.QueueConsumer;
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
 * the rest as in flight and hands them to their nodes' outboxes, then returns (the consumer acks on return). From the
 * moment they are recorded in flight, the in-flight sweeper sends again whatever does not come back, so the message
 * need not wait for the agents: a crash before the record redelivers it, one after is covered by the timers. Not
 * waiting is what keeps a slow or silent node from holding a consumer, and with it every other node's work.
 */
public final class DispatchHandler implements QueueConsumer.Handler<DispatchMessage> {
    private static final Logger log = LoggerFactory.getLogger(DispatchHandler.class);

    private final Lane lane;
    private final NodeOutboxes outboxes;
    private final OfflineParking parking;
    private final InflightDeliveries inflight;
    private final Duration resultDue;
    private final Publisher publisher;
    private final Topology topology;
    private final Clock clock;
    private final Counter expired;

    /**
     * @param lane      the lane whose queue this handler consumes; retries expire back into it
     * @param resultDue how long after a send its result may take: the agent's answer time plus the in-flight timeout
     */
    DispatchHandler(Lane lane, NodeOutboxes outboxes, OfflineParking parking, InflightDeliveries inflight,
            Duration resultDue, Publisher publisher, Topology topology, Clock clock, MeterRegistry metrics) {
        this.lane = lane;
        this.outboxes = outboxes;
        this.parking = parking;
        this.inflight = inflight;
        this.resultDue = resultDue;
        this.publisher = publisher;
        this.topology = topology;
        this.clock = clock;
        this.expired = metrics.counter("purgeline_dispatch_nodes_expired_total", "lane", lane.wire());
    }

    @Override
    public void handle(DispatchMessage message, Inbound in) throws InterruptedException {
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

    private void send(DispatchMessage message) throws InterruptedException {
        // Recorded before sending, not after: a quick agent's callback must find the entry to settle, or the sweeper
        // would later send a finished subtask again.
        long now = clock.millis();
        Map<Long, List<Assignment>> byDue = new LinkedHashMap<>();
        List<Parcel> parcels = new ArrayList<>(message.assignments().size());
        for (Assignment a : message.assignments()) {
            long due = now + resultDue(a);
            byDue.computeIfAbsent(due, d -> new ArrayList<>()).add(a);
            parcels.add(new Parcel(lane, message, a, due));
        }
        byDue.forEach((due, assignments) -> inflight.record(message, assignments, due)); // one group unless attempts differ
        outboxes.send(parcels);
    }

    /**
     * How long a delivery's result may take. A result late once is likely late again for the same reason (a backlog
     * at the agent or on the way back): each re-send waits twice as long as the one before, up to 8 times, so that
     * timeouts under load do not multiply the load.
     */
    private long resultDue(Assignment a) {
        return resultDue.toMillis() << Math.min(Math.max(a.attempt() - 1, 0), 3);
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
