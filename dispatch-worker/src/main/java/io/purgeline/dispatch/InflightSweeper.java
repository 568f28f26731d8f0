package io.purgeline.dispatch;

import io.micrometer.core.instrument.Counter;
import io.purgeline.contracts.Alert;
import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.CodecException;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.SubtaskOutcome;
import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.DeadLetters;
import io.purgeline.runtime.InflightDeliveries;
import io.purgeline.runtime.Lease;
import io.purgeline.runtime.Outgoing;
import io.purgeline.runtime.PoisonMessageException;
import io.purgeline.runtime.Publisher;
import io.purgeline.runtime.RedisKeys;
import io.purgeline.runtime.Singleton;
import io.purgeline.runtime.StoredDeliveries;
import io.purgeline.runtime.Topology;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "inflight-sweeper" singleton: a delivery an agent accepted but whose result did not come within the in-flight
 * timeout is sent again (back onto its lane, next attempt), or, out of attempts, recorded FAILED. The entry is removed
 * after that is published, and only if its timer is unchanged: a crash before removal only sends again, and a delivery
 * re-sent and accepted meanwhile keeps its new timer.
 */
final class InflightSweeper implements Singleton.Job {
    static final String NAME = "inflight-sweeper";
    /** Entries per round: one confirmed publish and two pipelined round trips per 200 overdue deliveries. */
    static final int BATCH = 200;
    private static final Logger log = LoggerFactory.getLogger(InflightSweeper.class);

    private final InflightDeliveries inflight;
    private final Publisher publisher;
    private final Topology topology;
    private final DeadLetters dead;
    private final Alerts alerts;
    private final Codec codec;
    private final RedisKeys keys;
    private final int maxAttempts;
    private final Duration timeout;
    private final Clock clock;
    private final Counter redispatched;

    InflightSweeper(InflightDeliveries inflight, Publisher publisher, Topology topology, DeadLetters dead,
            Alerts alerts, Codec codec, RedisKeys keys, int maxAttempts, Duration timeout, Clock clock,
            Counter redispatched) {
        this.inflight = inflight;
        this.publisher = publisher;
        this.topology = topology;
        this.dead = dead;
        this.alerts = alerts;
        this.codec = codec;
        this.keys = keys;
        this.maxAttempts = maxAttempts;
        this.timeout = timeout;
        this.clock = clock;
        this.redispatched = redispatched;
    }

    @Override
    public void run(Lease lease) {
        while (lease.isHeld()) {
            List<InflightDeliveries.Due> due = inflight.due(clock.millis(), BATCH);
            if (due.isEmpty()) {
                return;
            }
            Decision decision = decide(due);
            publisher.publish(decision.messages());
            inflight.removeIfUnchanged(due);
            redispatched.increment(decision.redispatched());
            decision.failed().forEach((task, outcomes) -> outcomes.forEach(o -> alerts.raise(Alert.WARNING,
                    "no_result", "task " + task + " on node " + o.nodeId() + ": " + o.error() + "; recorded failed, the"
                            + " delivery parked in " + topology.deadQueue(Topology.Area.DISPATCH),
                    task, o.nodeId(), Map.of("subtask_id", o.subtaskId(), "attempts",
                            Integer.toString(o.attempts())))));
            if (due.size() < BATCH) {
                return;
            }
        }
    }

    /** What to publish for a round of due deliveries: how many are sent again, and the FAILED outcomes by task. */
    private record Decision(List<Outgoing> messages, int redispatched, Map<String, List<SubtaskOutcome>> failed) {}

    private Decision decide(List<InflightDeliveries.Due> due) {
        List<Outgoing> out = new ArrayList<>();
        int again = 0;
        Map<String, DispatchMessage> againByTask = new LinkedHashMap<>();
        Map<String, List<SubtaskOutcome>> failedByTask = new LinkedHashMap<>();
        Map<String, List<SubtaskOutcome>> bodyLostByTask = new LinkedHashMap<>();
        List<DispatchMessage> stored = new ArrayList<>(due.size());
        for (InflightDeliveries.Due d : due) {
            if (d.delivery() == null) {
                log.warn("in-flight subtask {} has no stored delivery; its timer is dropped", d.subtaskId());
                continue;
            }
            try {
                stored.add(StoredDeliveries.decode(codec, d.delivery()));
            } catch (PoisonMessageException e) {
                StoredDeliveries.deadLetter(dead, keys.inflightDeliveries(), d.delivery(), e.getMessage());
            }
        }
        Map<String, DispatchMessage> bodies = bodies(stored);
        for (DispatchMessage assignment : stored) {
            DispatchMessage delivery = StoredDeliveries.withBody(assignment, bodies.get(assignment.taskId()));
            if (delivery == null) {
                // Kept until an hour past the task's deadline, so gone only with Redis's data or long after the task
                // ended expired: the node is recorded failed, which changes nothing for a subtask already final.
                Assignment a = assignment.assignments().get(0);
                log.warn("task {}: no result from node {} and the task's body to send again is gone from Redis; "
                        + "recorded failed", assignment.taskId(), a.nodeId());
                bodyLostByTask.computeIfAbsent(assignment.taskId(), t -> new ArrayList<>()).add(OutcomeSaves.failed(
                        a, null, "no result, and the task's body to send again is gone from Redis", clock.instant()));
                continue;
            }
            Assignment a = delivery.assignments().get(0);
            if (a.attempt() < maxAttempts) {
                // The nodes of one task are sent again in one message: when a backlog delays many results at once,
                // re-sends cost the broker and the dispatcher one message per task, not one per node.
                againByTask.merge(delivery.taskId(), StoredDeliveries.of(delivery, a.nextAttempt()),
                        (held, more) -> held.withAssignments(concat(held.assignments(), more.assignments())));
                again++;
            } else {
                String reason = "no result within " + seconds(timeout) + " after " + a.attempt() + " deliveries";
                failedByTask.computeIfAbsent(delivery.taskId(), t -> new ArrayList<>())
                        .add(OutcomeSaves.failed(a, null, reason, clock.instant()));
                // Parked like any delivery given up on, where an operator can see it and send it again.
                out.add(Outgoing.of(topology.deadExchange(), Topology.Area.DISPATCH.key(),
                                DispatchMessage.MESSAGE_TYPE, delivery)
                        .priority(delivery.priority())
                        .correlationId(delivery.taskId())
                        .headers(Map.of(Topology.DEAD_REASON_HEADER, reason,
                                Topology.DEAD_SOURCE_HEADER, topology.laneQueue(delivery.lane()))));
            }
        }
        againByTask.values().forEach(m -> out.add(StoredDeliveries.toLane(topology, m)));
        failedByTask.forEach((task, outcomes) -> out.add(OutcomeSaves.save(topology, task, outcomes)));
        bodyLostByTask.forEach((task, outcomes) -> out.add(OutcomeSaves.save(topology, task, outcomes)));
        return new Decision(out, again, failedByTask);
    }

    /** The task bodies the stored assignments need, each read and decoded once; an undecodable one is as missing. */
    private Map<String, DispatchMessage> bodies(Collection<DispatchMessage> stored) {
        Set<String> tasks = new LinkedHashSet<>();
        stored.stream().filter(d -> d.targets() == null).forEach(d -> tasks.add(d.taskId()));
        Map<String, DispatchMessage> bodies = new HashMap<>();
        inflight.bodies(tasks).forEach((task, json) -> {
            try {
                bodies.put(task, codec.fromJson(json, DispatchMessage.class));
            } catch (CodecException e) {
                log.warn("task {}: stored in-flight body does not decode: {}", task, e.getMessage());
            }
        });
        return bodies;
    }

    private static List<Assignment> concat(List<Assignment> a, List<Assignment> b) {
        List<Assignment> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** "30s", or "0.3s" for the short timeouts of tests. */
    static String seconds(Duration d) {
        long ms = d.toMillis();
        return (ms % 1000 == 0 ? Long.toString(ms / 1000) : BigDecimal.valueOf(ms, 3).stripTrailingZeros()
                .toPlainString()) + "s";
    }
}
