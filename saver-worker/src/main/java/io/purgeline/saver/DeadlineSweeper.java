package io.purgeline.saver;

import io.micrometer.core.instrument.Counter;
import io.purgeline.contracts.TaskExpiry;
import io.purgeline.runtime.Lease;
import io.purgeline.runtime.Outgoing;
import io.purgeline.runtime.Publisher;
import io.purgeline.runtime.Singleton;
import io.purgeline.runtime.Topology;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ends tasks whose deadline passed: finds them in MariaDB (durable, so a Redis restart loses no deadline) and
 * publishes a {@link TaskExpiry} for each on the saves exchange, keyed by task id, so that the partition's saver
 * applies it in order with the task's other saves. Runs as a {@link Singleton}, in one saver at a time.
 */
final class DeadlineSweeper implements Singleton.Job {
    /** Tasks per sweep: one multi-row batch of saves for the partitions, one confirm wait for the publisher. */
    static final int LIMIT = 500;
    /**
     * Sweeps between two expiries of one task. An expiry waits in its partition's queue behind the task's other
     * saves; without this, every sweep would publish it again until it is applied.
     */
    static final int RESEND_AFTER_SWEEPS = 60;

    private final TaskStore store;
    private final Publisher publisher;
    private final Topology topology;
    private final Clock clock;
    private final Duration resendAfter;
    private final Counter published;
    /** Task id to when its expiry was published; only the singleton's thread touches it. */
    private final Map<String, Instant> recent = new HashMap<>();

    DeadlineSweeper(TaskStore store, Publisher publisher, Topology topology, Clock clock, Duration period,
            Counter published) {
        this.store = store;
        this.publisher = publisher;
        this.topology = topology;
        this.clock = clock;
        this.resendAfter = period.multipliedBy(RESEND_AFTER_SWEEPS);
        this.published = published;
    }

    @Override
    public void run(Lease lease) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        recent.values().removeIf(at -> at.isBefore(now.minus(resendAfter)));
        // Read past the ones published recently and not applied yet, or a backlog of those would hide the rest.
        List<String> due = store.overdue(now, LIMIT + recent.size()).stream().filter(id -> !recent.containsKey(id))
                .limit(LIMIT).toList();
        // The fencing check: a sweeper paused past its lease's TTL must not publish beside its successor.
        if (due.isEmpty() || !lease.isHeld()) {
            return;
        }
        publisher.publish(due.stream().map(id -> expiry(new TaskExpiry(id, now))).toList());
        due.forEach(id -> recent.put(id, now));
        published.increment(due.size());
    }

    private Outgoing expiry(TaskExpiry expiry) {
        return topology.save(expiry.taskId(), TaskExpiry.MESSAGE_TYPE, expiry)
                .correlationId(expiry.taskId());
    }
}
