package io.purgeline.alert;

import io.purgeline.contracts.Alert;
import io.purgeline.contracts.Lane;
import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.Broker;
import io.purgeline.runtime.Lease;
import io.purgeline.runtime.Singleton;
import io.purgeline.runtime.Topology;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Watches queue depths. A dead-letter queue that holds more than when last looked at raises {@code dead_letters}
 * (its baseline is the depth first seen, so a restart does not alert again for what was parked before; replays and
 * drops lower it). A work queue — the intake, each lane, each saves partition, the alerts — whose depth grew over
 * {@value #GROWING_WINDOWS} windows in a row and is at least {@code minimum} raises {@code backlog_growing} once;
 * the first window after in which it shrinks raises {@code backlog_shrinking}. State is kept in memory: a new
 * holder of this singleton starts from what it sees.
 */
final class QueueWatch implements Singleton.Job {
    static final String DEAD_LETTERS = "dead_letters";
    static final String GROWING = "backlog_growing";
    static final String SHRINKING = "backlog_shrinking";
    static final int GROWING_WINDOWS = 3;

    private final Broker broker;
    private final Topology topology;
    private final Alerts alerts;
    private final Clock clock;
    private final Duration window;
    private final long minimum;
    private final Map<Topology.Area, Long> deadBaseline = new HashMap<>();
    private final Map<String, Backlog> backlogs = new HashMap<>();
    private long windowStart = -1;

    QueueWatch(Broker broker, Topology topology, Alerts alerts, Clock clock, Duration window, long minimum) {
        this.broker = broker;
        this.topology = topology;
        this.alerts = alerts;
        this.clock = clock;
        this.window = window;
        this.minimum = minimum;
    }

    private static final class Backlog {
        long last = -1;
        long startedGrowingAt = -1;
        int growingWindows;
        boolean alerted;
    }

    /** The queues that hold work waiting for a worker, by the short name the status page and alerts use. */
    static Map<String, String> workQueues(Topology topology) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("ingest", topology.ingestQueue());
        for (Lane lane : Lane.values()) {
            out.put(lane.wire(), topology.laneQueue(lane));
        }
        for (int i = 0; i < topology.savesPartitions(); i++) {
            out.put("saves." + i, topology.savesQueue(i));
        }
        out.put("alerts", topology.alertsQueue());
        return out;
    }

    @Override
    public void run(Lease lease) {
        Map<Topology.Area, Long> dead = new LinkedHashMap<>();
        Map<String, Long> work = new LinkedHashMap<>();
        broker.withChannel(ch -> {
            for (Topology.Area area : Topology.Area.values()) {
                dead.put(area, ch.messageCount(topology.deadQueue(area)));
            }
            for (Map.Entry<String, String> q : workQueues(topology).entrySet()) {
                work.put(q.getKey(), ch.messageCount(q.getValue()));
            }
        });
        List<Runnable> raise = new ArrayList<>();
        dead.forEach((area, depth) -> {
            Long before = deadBaseline.put(area, depth);
            if (before != null && depth > before) {
                raise.add(() -> alerts.raise(Alert.WARNING, DEAD_LETTERS, "dead-letter queue "
                        + topology.deadQueue(area) + " holds " + depth + " message" + (depth == 1 ? "" : "s") + " (+"
                        + (depth - before) + "); see GET /v1/dead/" + area.key(), null, null,
                        Map.of(AlertKey.SUBJECT_DETAIL, area.key() + ".dead", "depth", Long.toString(depth))));
            }
        });
        long now = clock.millis();
        if (windowStart < 0 || now - windowStart >= window.toMillis()) {
            windowStart = now;
            work.forEach((name, depth) -> judge(name, depth, now, raise));
        }
        if (lease.isHeld()) {
            raise.forEach(Runnable::run);
        }
    }

    private void judge(String name, long depth, long now, List<Runnable> raise) {
        Backlog b = backlogs.computeIfAbsent(name, n -> new Backlog());
        if (b.last >= 0 && depth > b.last && depth >= minimum) {
            if (b.growingWindows++ == 0) {
                b.startedGrowingAt = now - window.toMillis();
            }
            if (b.growingWindows >= GROWING_WINDOWS && !b.alerted) {
                b.alerted = true;
                long seconds = Duration.ofMillis(now - b.startedGrowingAt).toSeconds();
                raise.add(() -> alerts.raise(Alert.WARNING, GROWING, "backlog of " + name + " keeps growing: "
                        + depth + " messages waiting, growing for " + seconds + " s", null, null,
                        Map.of(AlertKey.SUBJECT_DETAIL, name, "depth", Long.toString(depth))));
            }
        } else {
            if (b.alerted && depth < b.last) {
                b.alerted = false;
                raise.add(() -> alerts.raise(Alert.INFO, SHRINKING, "backlog of " + name + " is shrinking: " + depth
                        + " messages waiting", null, null,
                        Map.of(AlertKey.SUBJECT_DETAIL, name, "depth", Long.toString(depth))));
            }
            if (!b.alerted || depth < b.last) {
                b.growingWindows = 0;
            }
        }
        b.last = depth;
    }
}
