package io.purgeline.dispatch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.DispatchBatch;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Lane;
import io.purgeline.contracts.SubtaskOutcome;
import io.purgeline.contracts.TargetList;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles the lane messages that arrived together: expires those whose task's deadline has passed, parks the nodes
 * that are offline, records the rest as in flight and hands them to their nodes' outboxes, then returns (the consumer
 * acks on return). Together, because small tasks come by the thousand, as lane messages of their own or packed in a
 * {@code dispatch.batch}, and a message's parts are handled as if each had come alone: looking up offline nodes and
 * recording in flight once per message cost a quarter of dispatch-worker's time when tasks came in by the thousand.
 * From the moment they are recorded in flight, the in-flight sweeper sends again whatever does not come back, so the
 * messages need not wait for the agents: a crash before the record redelivers them, one after is covered by the
 * timers. Not waiting is what keeps a slow or silent node from holding a consumer, and with it every other node's
 * work.
 */
public final class DispatchHandler implements QueueConsumer.SortingBatchHandler<List<DispatchMessage>> {
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

    /**
     * Reads a lane message: one task's ({@code dispatch}) or several tasks' ({@code dispatch.batch}) dispatch
     * messages. Each message's targets become a {@link TargetList}, written once for all the nodes' requests.
     */
    static Function<Inbound, List<DispatchMessage>> decoder(Codec codec) {
        return in -> {
            if (!DispatchBatch.MESSAGE_TYPE.equals(in.type())) {
                return List.of(withTargetList(in.decode(codec, DispatchMessage.class)));
            }
            List<DispatchMessage> parts = in.decode(codec, DispatchBatch.class).messages();
            if (parts == null || parts.isEmpty()) {
                throw new PoisonMessageException("dispatch.batch has no messages");
            }
            return parts.stream().map(DispatchHandler::withTargetList).toList();
        };
    }

    private static DispatchMessage withTargetList(DispatchMessage m) {
        return m == null || m.targets() == null ? m : new DispatchMessage(m.taskId(), m.apiId(), m.type(),
                TargetList.of(m.targets()), m.options(), m.priority(), m.lane(), m.deadlineAt(), m.assignments());
    }

    /**
     * Handles the batch: every lane message's parts (one per task). Names the messages with a part that cannot be
     * dispatched as it is (poison), by position; their other parts are handled all the same, so that one bad part of a
     * {@code dispatch.batch} does not hold the other tasks' work back.
     */
    @Override
    public Map<Integer, String> handle(List<List<DispatchMessage>> messages) throws InterruptedException {
        Map<Integer, String> poison = new HashMap<>();
        Instant now = clock.instant();
        List<DispatchMessage> live = new ArrayList<>(messages.size());
        List<DispatchMessage> late = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            for (DispatchMessage m : messages.get(i)) {
                String invalid = invalid(m);
                if (invalid != null) {
                    poison.putIfAbsent(i, invalid);
                } else if (m.deadlineAt() != null && !now.isBefore(m.deadlineAt())) {
                    late.add(m);
                } else {
                    live.add(m);
                }
            }
        }
        expire(late, now);
        if (!live.isEmpty()) {
            send(live, parking.parkForOfflineNodes(live));
        }
        return poison;
    }

    private void send(List<DispatchMessage> messages, List<List<Assignment>> toSend) throws InterruptedException {
        // Recorded before sending, not after: a quick agent's callback must find the entry to settle, or the sweeper
        // would later send a finished subtask again.
        long now = clock.millis();
        List<InflightDeliveries.Sent> sent = new ArrayList<>();
        List<Parcel> parcels = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            if (toSend.get(i).isEmpty()) {
                continue;
            }
            DispatchMessage message = messages.get(i).withAssignments(toSend.get(i));
            Map<Long, List<Assignment>> byDue = new LinkedHashMap<>(); // one group unless attempts differ
            for (Assignment a : message.assignments()) {
                long due = now + resultDue(a);
                byDue.computeIfAbsent(due, d -> new ArrayList<>()).add(a);
                parcels.add(new Parcel(lane, message, a, due));
            }
            byDue.forEach((due, assignments) -> sent.add(new InflightDeliveries.Sent(message, assignments, due)));
        }
        if (sent.isEmpty()) {
            return;
        }
        inflight.record(sent);
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
    private void expire(List<DispatchMessage> messages, Instant now) {
        if (messages.isEmpty()) {
            return;
        }
        publisher.publish(messages.stream().map(m -> OutcomeSaves.save(topology, m.taskId(), m.assignments().stream()
                .map(a -> OutcomeSaves.expired(a, now)).toList())).toList());
        for (DispatchMessage m : messages) {
            expired.increment(m.assignments().size());
            log.info("task {}: deadline {} passed, {} node(s) recorded expired without sending", m.taskId(),
                    m.deadlineAt(), m.assignments().size());
        }
    }

    /**
     * Ends the nodes of a message given up on (parked in {@code dispatch.dead}): they are recorded failed with the
     * reason, so that the task ends now, with it, instead of at its deadline with none. A message too broken to name
     * its task and nodes has nothing to end.
     */
    void giveUp(DispatchMessage message, String reason) {
        if (message == null || message.taskId() == null || message.assignments() == null) {
            return;
        }
        Instant now = clock.instant();
        List<SubtaskOutcome> failed = message.assignments().stream()
                .filter(a -> a != null && a.subtaskId() != null && a.nodeId() != null)
                .map(a -> OutcomeSaves.failed(a, null, "the delivery could not be handled (" + reason + ")", now))
                .toList();
        if (!failed.isEmpty()) {
            publisher.publish(OutcomeSaves.save(topology, message.taskId(), failed));
        }
    }

    /** Ends the nodes of every task of a lane message given up on. */
    void giveUpAll(List<DispatchMessage> parts, String reason) {
        for (DispatchMessage part : parts) {
            giveUp(part, reason);
        }
    }

    /** Why a message cannot be dispatched as it is, and never will be; null if it can. */
    static String invalid(DispatchMessage m) {
        if (m == null) {
            return "dispatch.batch has an empty part";
        }
        if (m.taskId() == null || m.taskId().isBlank()) {
            return "dispatch message has no task_id";
        }
        if (m.type() == null) {
            return "dispatch message for task " + m.taskId() + " has no type or an unknown one";
        }
        if (m.targets() == null || m.targets().isEmpty()) {
            return "dispatch message for task " + m.taskId() + " has no targets";
        }
        if (m.assignments() == null || m.assignments().isEmpty()) {
            return "dispatch message for task " + m.taskId() + " has no assignments";
        }
        for (Assignment a : m.assignments()) {
            if (a == null || a.subtaskId() == null || a.subtaskId().isBlank() || a.nodeId() == null
                    || a.nodeId().isBlank() || a.attempt() < 1) {
                return "dispatch message for task " + m.taskId()
                        + " has an assignment without subtask_id, node_id or a positive attempt: " + a;
            }
        }
        return null;
    }
}
