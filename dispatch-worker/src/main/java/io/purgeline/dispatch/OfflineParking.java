package io.purgeline.dispatch;

import io.micrometer.core.instrument.Counter;
import io.purgeline.contracts.Alert;
import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.OfflineNodes;
import io.purgeline.runtime.StoredDeliveries;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps work away from offline nodes. A delivery for a node marked offline is parked in the node's delay queue instead
 * of sent: a dead or silent node must not cost every task a connection attempt or a timeout. A node that stops
 * answering is marked offline (alerted once) and the unanswered delivery is parked for its next attempt; the node's
 * next heartbeat puts it all back.
 *
 * <p>Only nodes heard from before are parked. A node that never heartbeated has no agent we know of to wait for (a
 * wrong address, an agent never installed): its failures take the retry path and end recorded failed, so the task
 * says so instead of waiting out its deadline.
 */
final class OfflineParking {
    private final OfflineNodes offline;
    private final Alerts alerts;
    private final int maxAttempts;
    private final Clock clock;
    private final Counter parked;

    OfflineParking(OfflineNodes offline, Alerts alerts, int maxAttempts, Clock clock, Counter parked) {
        this.offline = offline;
        this.alerts = alerts;
        this.maxAttempts = maxAttempts;
        this.clock = clock;
        this.parked = parked;
    }

    /**
     * Parks the assignments whose node is offline, of several messages at once (one round trip to look, one to park
     * if any is offline); returns those to send, per message, in order.
     */
    List<List<Assignment>> parkForOfflineNodes(List<DispatchMessage> messages) {
        List<String> nodes = new ArrayList<>();
        messages.forEach(m -> m.assignments().forEach(a -> nodes.add(a.nodeId())));
        Set<String> down = offline.offlineAmong(nodes);
        if (down.isEmpty()) {
            return messages.stream().map(DispatchMessage::assignments).toList();
        }
        List<StoredDelivery> candidates = new ArrayList<>();
        for (DispatchMessage m : messages) {
            m.assignments().stream().filter(a -> down.contains(a.nodeId()))
                    .forEach(a -> candidates.add(new StoredDelivery(m, a)));
        }
        Set<Assignment> done = park(candidates);
        return messages.stream()
                .map(m -> m.assignments().stream().filter(a -> !done.contains(a)).toList())
                .toList();
    }

    /**
     * For the deliveries no agent answered: marks each node heard from before offline and parks its delivery for the
     * next attempt, if it has one left. Returns the failures left to the retry policy.
     */
    List<Delivery> parkUnanswered(DispatchMessage m, List<Delivery> failures) {
        List<Delivery> unanswered = failures.stream().filter(Delivery::unanswered).toList();
        if (unanswered.isEmpty()) {
            return failures;
        }
        Set<String> known = offline.heardFrom(unanswered.stream().map(d -> d.assignment().nodeId()).toList());
        List<Assignment> next = new ArrayList<>();
        for (Delivery d : unanswered) {
            Assignment a = d.assignment();
            if (!known.contains(a.nodeId())) {
                continue;
            }
            if (offline.markOffline(a.nodeId(), d.failure(), clock.millis())) {
                alerts.raise(Alert.WARNING, OfflineNodes.WENT_OFFLINE, "node " + a.nodeId() + " is offline: its agent at "
                                + a.address() + " did not answer (" + d.failure() + "); its work is parked until it"
                                + " heartbeats again", m.taskId(), a.nodeId(),
                        Map.of("address", String.valueOf(a.address()), "reason", d.failure()));
            }
            if (a.attempt() < maxAttempts) {
                next.add(a.nextAttempt());
            }
        }
        Set<String> done = new HashSet<>();
        park(next.stream().map(a -> new StoredDelivery(m, a)).toList()).forEach(a -> done.add(a.subtaskId()));
        return failures.stream().filter(d -> !done.contains(d.assignment().subtaskId())).toList();
    }

    /** An assignment with the message it came in. */
    private record StoredDelivery(DispatchMessage message, Assignment assignment) {}

    /** Parks what it can; a node back online meanwhile refuses, and the caller sends or retries that one instead. */
    private Set<Assignment> park(List<StoredDelivery> deliveries) {
        if (deliveries.isEmpty()) {
            return Set.of();
        }
        List<Boolean> ok = offline.park(deliveries.stream()
                .map(d -> StoredDeliveries.of(d.message(), d.assignment())).toList());
        Set<Assignment> done = new HashSet<>();
        for (int i = 0; i < deliveries.size(); i++) {
            if (ok.get(i)) {
                done.add(deliveries.get(i).assignment());
            }
        }
        parked.increment(done.size());
        return done;
    }
}
