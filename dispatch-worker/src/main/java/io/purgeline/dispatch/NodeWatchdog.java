package io.purgeline.dispatch;

import io.purgeline.contracts.Alert;
import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.Lease;
import io.purgeline.runtime.OfflineNodes;
import io.purgeline.runtime.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The "node-watchdog" singleton: a node whose agent has not heartbeated for {@code timeout} is marked offline, so its
 * work is parked instead of sent into silence. Nodes that never heartbeated are not its business (see
 * {@link OfflineParking}).
 */
final class NodeWatchdog implements Singleton.Job {
    static final String NAME = "node-watchdog";
    static final String REASON = "missed heartbeats";

    private final OfflineNodes offline;
    private final Alerts alerts;
    private final Duration timeout;
    private final Clock clock;

    NodeWatchdog(OfflineNodes offline, Alerts alerts, Duration timeout, Clock clock) {
        this.offline = offline;
        this.alerts = alerts;
        this.timeout = timeout;
        this.clock = clock;
    }

    @Override
    public void run(Lease lease) {
        long now = clock.millis();
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
