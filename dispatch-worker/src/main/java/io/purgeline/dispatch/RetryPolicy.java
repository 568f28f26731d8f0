package io.purgeline.dispatch;

import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Lane;
import io.purgeline.runtime.Outgoing;
import io.purgeline.runtime.PurgelineConfig;
import io.purgeline.runtime.StoredDeliveries;
import io.purgeline.runtime.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides, per node, what happens to batches the agents did not accept: another attempt after the configured backoff
 * (the message goes to the lane's retry queue carrying only those nodes, so healthy nodes are never sent twice), or,
 * once {@code maxAttempts} are used up, a FAILED outcome for the saver and the node's delivery parked in
 * {@code dispatch.dead} with the reason, where an operator can inspect and replay it.
 */
public final class RetryPolicy {
    private final PurgelineConfig config;
    private final Topology topology;

    public RetryPolicy(PurgelineConfig config, Topology topology) {
        this.config = config;
        this.topology = topology;
    }

    /** What to publish for the failed deliveries of one message, and which nodes were given up on. */
    public record Plan(List<Outgoing> messages, List<Delivery> givenUp) {}

    public Plan plan(DispatchMessage message, Lane lane, List<Delivery> failed, Instant now) {
        // Grouped by next attempt: assignments of one message usually share it, but retries may have merged.
        Map<Integer, List<Assignment>> retries = new TreeMap<>();
        List<Delivery> givenUp = new ArrayList<>();
        for (Delivery d : failed) {
            if (d.retryable() && d.assignment().attempt() < config.maxAttempts()) {
                retries.computeIfAbsent(d.assignment().attempt() + 1, n -> new ArrayList<>())
                        .add(d.assignment().nextAttempt());
            } else {
                givenUp.add(d);
            }
        }
        List<Outgoing> out = new ArrayList<>();
        retries.forEach((nextAttempt, assignments) -> {
            Duration delay = config.retryDelayBefore(nextAttempt);
            out.add(Outgoing.of("", topology.retryQueue(lane, delay), DispatchMessage.MESSAGE_TYPE,
                            message.withAssignments(assignments))
                    .priority(message.priority())
                    .correlationId(message.taskId()));
        });
        if (!givenUp.isEmpty()) {
            out.add(OutcomeSaves.save(topology, message.taskId(), givenUp.stream()
                    .map(d -> OutcomeSaves.failed(d.assignment(), d.httpCode(), d.finalReason(), now)).toList()));
            for (Delivery d : givenUp) {
                out.add(Outgoing.of(topology.deadExchange(), Topology.Area.DISPATCH.key(),
                                DispatchMessage.MESSAGE_TYPE, StoredDeliveries.of(message, d.assignment()))
                        .priority(message.priority())
                        .correlationId(message.taskId())
                        .headers(Map.of(Topology.DEAD_REASON_HEADER, d.finalReason(),
                                Topology.DEAD_SOURCE_HEADER, topology.laneQueue(lane))));
            }
        }
        return new Plan(out, givenUp);
    }
}
