package io.purgeline.dispatch;

import io.purgeline.contracts.Alert;
import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.Lease;
import io.purgeline.runtime.OfflineNodes;
import io.purgeline.runtime.ParkedWorkReplayer;
import io.purgeline.runtime.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "catch-up" singleton, the safety net of a node's return. callback-worker brings a node back on its heartbeat;
 * this finishes what that could not: replaying lists left behind by a replayer that crashed or failed, and offline
 * nodes that heartbeated after they were marked offline (the come-back itself failed, or the heartbeat went to a
 * callback-worker that could not reach Redis or the broker in time).
 */
final class CatchUp implements Singleton.Job {
    static final String NAME = "catch-up";
    private static final Logger log = LoggerFactory.getLogger(CatchUp.class);

    private final OfflineNodes offline;
    private final ParkedWorkReplayer replayer;
    private final Alerts alerts;
    private final Duration heartbeatTimeout;
    private final Clock clock;

    CatchUp(OfflineNodes offline, ParkedWorkReplayer replayer, Alerts alerts, Duration heartbeatTimeout, Clock clock) {
        this.offline = offline;
        this.replayer = replayer;
        this.alerts = alerts;
        this.heartbeatTimeout = heartbeatTimeout;
        this.clock = clock;
    }

    @Override
    public void run(Lease lease) {
        for (String node : offline.replayingNodes()) {
            if (!lease.isHeld()) {
                return;
            }
            replayer.replay(node);
        }
        long now = clock.millis();
        Map<String, Long> heard = offline.heartbeats();
        for (Map.Entry<String, OfflineNodes.Offline> down : offline.offline().entrySet()) {
            Long last = heard.get(down.getKey());
            // Back only if heard from after it went offline, and recently: a stale heartbeat is why it is offline.
            if (last == null || last <= down.getValue().sinceMillis() || now - last > heartbeatTimeout.toMillis()) {
                continue;
            }
            if (!lease.isHeld()) {
                return;
            }
            OfflineNodes.Comeback back = offline.comeBack(down.getKey());
            if (back.wasOffline() != null) {
                alerts.raise(Alert.INFO, OfflineNodes.CAME_BACK, "node " + back.nodeId() + " is online again"
                                + " (offline for " + (now - back.wasOffline().sinceMillis()) + " ms: "
                                + back.wasOffline().reason() + "); " + back.replaying()
                                + " parked deliveries are put back", null, back.nodeId(),
                        Map.of("parked", Long.toString(back.replaying())));
                log.info("node {} heartbeated since it went offline; it is online again", back.nodeId());
            }
            replayer.replay(back.nodeId());
        }
    }
}
