package io.purgeline.callback;

import io.purgeline.contracts.Ids;
import io.micrometer.core.instrument.Counter;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.Heartbeat;
import io.purgeline.runtime.RedisKeys;
import io.purgeline.service.HttpCall;
import io.purgeline.service.HttpError;
import io.purgeline.service.HttpReply;
import io.purgeline.service.Route;
import java.time.Clock;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;

/** {@code POST /v1/agent/heartbeat}: records when each node was last heard from (node id → epoch millis). */
final class HeartbeatRoute implements Route {
    private final Codec codec;
    private final RedisClient redis;
    private final RedisKeys keys;
    private final Clock clock;
    private final Counter received;

    HeartbeatRoute(Codec codec, RedisClient redis, RedisKeys keys, Clock clock, Counter received) {
        this.codec = codec;
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
        this.received = received;
    }

    @Override
    public HttpReply handle(HttpCall call) {
        Heartbeat heartbeat = call.bodyAs(codec, Heartbeat.class);
        if (!Ids.isNodeId(heartbeat.nodeId())) {
            throw HttpError.badRequest("node_id is missing or not a valid node id (" + Ids.NODE_ID + "): '"
                    + heartbeat.nodeId() + "'");
        }
        try {
            redis.hset(keys.nodeHeartbeats(), heartbeat.nodeId(), Long.toString(clock.millis()));
        } catch (JedisException e) {
            throw new HttpError(503, "unavailable", "heartbeat not recorded, Redis is unreachable: " + e.getMessage());
        }
        received.increment();
        return HttpReply.noContent();
    }
}
