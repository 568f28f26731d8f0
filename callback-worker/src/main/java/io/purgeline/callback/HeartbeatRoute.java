package io.purgeline.callback;

import io.purgeline.contracts.Alert;
import io.micrometer.core.instrument.Counter;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.Heartbeat;
import io.purgeline.contracts.Ids;
import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.NodeCaches;
import io.purgeline.runtime.OfflineNodes;
import io.purgeline.runtime.RegisteredNodes;
import io.purgeline.service.HttpCall;
import io.purgeline.service.HttpError;
import io.purgeline.service.HttpReply;
import io.purgeline.service.Refusals;
import io.purgeline.service.RequestVerifier;
import io.purgeline.service.Route;
import java.time.Clock;
import java.util.Map;
import redis.clients.jedis.exceptions.JedisException;

/**
 * {@code POST /v1/agent/heartbeat}: records when each node was last heard from (node id → epoch millis) and, if the
 * node was offline, brings it back in the same Redis script: online again, its parked work moved for replay. The
 * replay itself runs off the request thread; the transition is alerted once. The cache kind the agent reports is
 * recorded for {@code GET /v1/caches}. Only a registered node, signing with its own key, is heard: anyone else could
 * bring a node "back" and have its parked work replayed.
 */
final class HeartbeatRoute implements Route {
    private final Codec codec;
    private final RequestVerifier verifier;
    private final Refusals refusals;
    private final RegisteredNodes registered;
    private final OfflineNodes offline;
    private final NodeCaches caches;
    private final Alerts alerts;
    private final ComebackReplays replays;
    private final Clock clock;
    private final Counter received;
    private final Counter cameBack;

    HeartbeatRoute(Codec codec, RequestVerifier verifier, Refusals refusals, RegisteredNodes registered,
            OfflineNodes offline, NodeCaches caches, Alerts alerts, ComebackReplays replays, Clock clock,
            Counter received, Counter cameBack) {
        this.codec = codec;
        this.verifier = verifier;
        this.refusals = refusals;
        this.registered = registered;
        this.offline = offline;
        this.caches = caches;
        this.alerts = alerts;
        this.replays = replays;
        this.clock = clock;
        this.received = received;
        this.cameBack = cameBack;
    }

    @Override
    public HttpReply handle(HttpCall call) {
        RequestVerifier.Verified signed = verifier.verify(call);
        Heartbeat heartbeat = call.bodyAs(codec, Heartbeat.class);
        if (!Ids.isNodeId(heartbeat.nodeId())) {
            throw HttpError.badRequest("node_id is missing or not a valid node id (" + Ids.NODE_ID + "): '"
                    + heartbeat.nodeId() + "'");
        }
        NodeSignatures.requireSigner(signed, heartbeat.nodeId(), refusals);
        long now = clock.millis();
        OfflineNodes.Comeback back;
        try {
            if (!registered.contains(heartbeat.nodeId())) {
                throw refusals.refuse(403, "unknown_node", "node '" + heartbeat.nodeId() + "' is not registered;"
                        + " register it (POST /v1/nodes, admin key) before its agent starts");
            }
            back = offline.heartbeat(heartbeat.nodeId(), now);
            caches.reported(heartbeat.nodeId(), heartbeat.cache(), now);
        } catch (JedisException e) {
            throw new HttpError(503, "unavailable", "heartbeat not recorded, Redis is unreachable: " + e.getMessage());
        }
        received.increment();
        if (back.wasOffline() != null) {
            cameBack.increment();
            alerts.raise(Alert.INFO, OfflineNodes.CAME_BACK, "node " + back.nodeId() + " heartbeats again"
                            + " after " + (now - back.wasOffline().sinceMillis()) + " ms offline ("
                            + back.wasOffline().reason() + "); " + back.replaying() + " parked deliveries are put back",
                    null, back.nodeId(), Map.of("parked", Long.toString(back.replaying()),
                            "offline_reason", back.wasOffline().reason()));
        }
        if (back.replaying() > 0) {
            replays.submit(back.nodeId());
        }
        return HttpReply.noContent();
    }
}
