package io.purgeline.dispatch;

import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Lane;
import io.purgeline.contracts.SubtaskOutcome;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.SubtaskState;
import io.purgeline.runtime.Outgoing;
import io.purgeline.runtime.PurgelineConfig;
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
 * once {@code maxAttempts} are used up, a FAILED outcome for the saver.
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
            List<SubtaskOutcome> outcomes = givenUp.stream().map(d -> new SubtaskOutcome(
                    d.assignment().subtaskId(), d.assignment().nodeId(), SubtaskState.FAILED, d.assignment().attempt(),
                    d.httpCode(), d.finalReason(), List.of(), null, now)).toList();
            out.add(Outgoing.of(topology.savesExchange(), message.taskId(), SubtaskOutcomes.MESSAGE_TYPE,
                            new SubtaskOutcomes(message.taskId(), outcomes))
                    .correlationId(message.taskId()));
        }
        return new Plan(out, givenUp);
    }
}
