package io.purgeline.dispatch;

import io.purgeline.contracts.Alert;
import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.Lease;
import io.purgeline.runtime.ModuleHeartbeat;
import io.purgeline.runtime.OfflineNodes;
import io.purgeline.runtime.RedisKeys;
import io.purgeline.runtime.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import redis.clients.jedis.RedisClient;

/**
 * The "node-watchdog" singleton: a node whose agent has not heartbeated for {@code timeout} is marked offline, so its
 * work is parked instead of sent into silence. Nodes that never heartbeated are not its business (see
 * {@link OfflineParking}).
 *
 * <p>Heartbeats reach Redis through callback-worker, so silence is only the nodes' when a callback-worker was there to
 * hear them: while none beats, nobody is marked, and once one is back every node gets a full {@code timeout} to be
 * heard again. Otherwise a callback-worker restart would take the whole fleet offline and park all its work.
 */
final class NodeWatchdog implements Singleton.Job {
    static final String NAME = "node-watchdog";
    static final String REASON = "missed heartbeats";
    /** The module that receives agents' heartbeats and writes them to Redis. */
    static final String RECEIVER = "callback-worker";

    private final OfflineNodes offline;
    private final RedisClient redis;
    private final RedisKeys keys;
    private final Alerts alerts;
    private final Duration timeout;
    private final Clock clock;
    /** Since when a heartbeat receiver has been alive without a break, as this leader saw it; -1 while none is. */
    private long listeningSince = -1;

    NodeWatchdog(OfflineNodes offline, RedisClient redis, RedisKeys keys, Alerts alerts, Duration timeout,
            Clock clock) {
        this.offline = offline;
        this.redis = redis;
        this.keys = keys;
        this.alerts = alerts;
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public void run(Lease lease) {
        long now = clock.millis();
        OptionalLong receiver = ModuleHeartbeat.newest(redis, keys, RECEIVER);
        if (receiver.isEmpty() || now - receiver.getAsLong() > ModuleHeartbeat.ALIVE_WITHIN.toMillis()) {
            listeningSince = -1;
            return;
        }
        if (listeningSince < 0) {
            listeningSince = now;
        }
        if (now - listeningSince < timeout.toMillis()) {
            return;
        }
        long silentSince = now - timeout.toMillis();
        Set<String> down = offline.offline().keySet();
        for (Map.Entry<String, Long> heard : offline.heartbeats().entrySet()) {
            String node = heard.getKey();
            if (heard.getValue() > silentSince || down.contains(node)) {
                continue;
            }
            if (!lease.isHeld()) {
                return;
            }
            // Conditional in the script: a heartbeat that arrived since we looked keeps the node online.
            if (offline.markOfflineIfSilent(node, REASON, now, silentSince)) {
                alerts.raise(Alert.WARNING, OfflineNodes.WENT_OFFLINE, "node " + node + " is offline: no heartbeat for "
                                + (now - heard.getValue()) + " ms (limit " + timeout.toMillis() + " ms); its work is"
                                + " parked until it heartbeats again", null, node,
                        Map.of("reason", REASON, "last_heartbeat_ms", Long.toString(heard.getValue())));
            }
        }
    }
}
