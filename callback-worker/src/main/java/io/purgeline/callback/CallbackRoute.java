package io.purgeline.callback;

import io.micrometer.core.instrument.Counter;
import io.purgeline.contracts.AgentCallback;
import io.purgeline.contracts.Alert;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.Signatures;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.SubtaskResult;
import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.BrokerException;
import io.purgeline.runtime.InflightDeliveries;
import io.purgeline.runtime.Outgoing;
import io.purgeline.runtime.Publisher;
import io.purgeline.runtime.Topology;
import io.purgeline.service.AgentKeys;
import io.purgeline.service.HttpCall;
import io.purgeline.service.HttpError;
import io.purgeline.service.HttpReply;
import io.purgeline.service.Route;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.exceptions.JedisException;

/**
 * {@code POST /v1/agent/callback}: checks an agent's results, refuses the whole callback if any result carries a
 * token we did not issue, and publishes the rest as saves (one per task, confirmed) before answering 200. Until the
 * broker confirms, the agent gets 503 and keeps the results to send again, so nothing accepted is lost. Once saved,
 * the subtasks are no longer in flight: their timers are removed, so the in-flight sweeper does not send them again.
 *
 * <p>The request's own {@code Accesskey}/{@code Timestamp}/{@code Token} headers are not verified yet (that comes with
 * per-node keys); the callback tokens already keep forged results out.
 */
final class CallbackRoute implements Route {
    private static final Logger log = LoggerFactory.getLogger(CallbackRoute.class);

    private final Codec codec;
    private final AgentKeys keys;
    private final Publisher publisher;
    private final Topology topology;
    private final Alerts alerts;
    private final InflightDeliveries inflight;
    private final Clock clock;
    private final Counter accepted;
    private final Counter forged;

    CallbackRoute(Codec codec, AgentKeys keys, Publisher publisher, Topology topology, Alerts alerts,
            InflightDeliveries inflight, Clock clock, Counter accepted, Counter forged) {
        this.codec = codec;
        this.keys = keys;
        this.publisher = publisher;
        this.topology = topology;
        this.alerts = alerts;
        this.inflight = inflight;
        this.clock = clock;
        this.accepted = accepted;
        this.forged = forged;
    }

    @Override
    public HttpReply handle(HttpCall call) {
        AgentCallback callback = call.bodyAs(codec, AgentCallback.class);
        CallbackValidator.check(callback);
        refuseForged(callback, call.remoteAddr());
        List<Outgoing> saves = OutcomeGrouper.group(callback, clock.instant()).stream().map(this::save).toList();
        try {
            publisher.publish(saves);
        } catch (BrokerException e) {
            throw new HttpError(503, "unavailable",
                    "results were not saved because the broker did not confirm them; send them again: "
                            + e.getMessage());
        }
        accepted.increment(callback.results().size());
        settle(callback);
        return HttpReply.json(200, Map.of("accepted", callback.results().size()));
    }

    /** A timer left behind only costs a redundant delivery later, which the agent and the saver shrug off. */
    private void settle(AgentCallback callback) {
        try {
            inflight.settle(callback.results().stream().map(SubtaskResult::subtaskId).toList());
        } catch (JedisException e) {
            log.warn("results of node {} saved, but their in-flight timers were not removed (Redis: {}); the sweeper"
                    + " will send those subtasks once more", callback.nodeId(), e.getMessage());
        }
    }

    private void refuseForged(AgentCallback callback, String remoteAddr) {
        for (SubtaskResult r : callback.results()) {
            String expected = Signatures.callbackToken(keys.secret(), r.subtaskId());
            if (!Signatures.matches(expected, r.callbackToken())) {
                forged.increment();
                alerts.raise(Alert.CRITICAL, "forged_callback",
                        "node " + callback.nodeId() + " sent a result for subtask " + r.subtaskId()
                                + " with a callback token we did not issue; the whole callback was refused",
                        r.taskId(), callback.nodeId(), Map.of("subtask_id", r.subtaskId(),
                                "remote_addr", String.valueOf(remoteAddr)));
                throw new HttpError(403, "forged_token", "callback_token of subtask " + r.subtaskId()
                        + " is not the one issued for it; no result of this callback was accepted");
            }
        }
    }

    private Outgoing save(SubtaskOutcomes outcomes) {
        return Outgoing.of(topology.savesExchange(), outcomes.taskId(), SubtaskOutcomes.MESSAGE_TYPE, outcomes)
                .correlationId(outcomes.taskId());
    }
}
