package io.purgeline.callback;

import io.micrometer.core.instrument.Counter;
import io.purgeline.contracts.AgentCallback;
import io.purgeline.contracts.Alert;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.Signatures;
import io.purgeline.contracts.SubtaskResult;
import io.purgeline.runtime.Alerts;
import io.purgeline.runtime.OutcomeGrouper;
import io.purgeline.runtime.SaveBatcher;
import io.purgeline.service.AgentKeys;
import io.purgeline.service.AsyncRoute;
import io.purgeline.service.HttpCall;
import io.purgeline.service.HttpError;
import io.purgeline.service.HttpReply;
import io.purgeline.service.Refusals;
import io.purgeline.service.RequestVerifier;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /v1/agent/callback}: checks an agent's results, refuses the whole callback if any result carries a
 * token we did not issue, and has the rest saved (grouped by task, confirmed, see {@link SaveBatcher}) before
 * answering 200. Until the broker confirms, the agent gets 503 and keeps the results to send again, so nothing
 * accepted is lost. A callback waits for its save without holding a server thread, so a thousand nodes answering at
 * once cost no thread each, and heartbeats are never queued behind them. Once saved, the subtasks are no longer in flight: their timers are removed, so the in-flight
 * sweeper does not send them again.
 *
 * <p>Trust: the request is signed with the key of the node it names (its {@code Accesskey} is that node id, equal to
 * the body's {@code node_id}), a node reports only its own subtasks ({@link CallbackValidator}), and each result
 * carries the callback token made for that subtask with that node's key. A late callback (timestamp out of the
 * window), a replayed one, or one signed by another node is refused before anything is read from it.
 */
final class CallbackRoute implements AsyncRoute {
    /** How long a callback waits for its batch's confirm before the agent is told to send it again. */
    private static final long SAVE_TIMEOUT_MS = 15_000;
    /**
     * Callbacks waiting for their save at once, at most; beyond it an agent is told to send its results again (503).
     * A waiting callback holds no thread, only its results (a few KiB): the bound keeps a broker that stopped
     * confirming from filling the heap, and is far above what a fleet sends within one confirm.
     */
    static final int MAX_WAITING = 20_000;

    private final Codec codec;
    private final AgentKeys keys;
    private final RequestVerifier verifier;
    private final Refusals refusals;
    private final SaveBatcher saves;
    private final Alerts alerts;
    private final Clock clock;
    private final Counter accepted;
    private final Counter forged;
    private final int maxWaiting;
    private final Semaphore waiting;

    CallbackRoute(Codec codec, AgentKeys keys, RequestVerifier verifier, Refusals refusals, SaveBatcher saves, Alerts alerts, Clock clock, Counter accepted,
            Counter forged, int maxWaiting) {
        this.maxWaiting = maxWaiting;
        this.waiting = new Semaphore(maxWaiting);
        this.codec = codec;
        this.keys = keys;
        this.verifier = verifier;
        this.refusals = refusals;
        this.saves = saves;
        this.alerts = alerts;
        this.clock = clock;
        this.accepted = accepted;
        this.forged = forged;
    }

    @Override
    public CompletionStage<HttpReply> handle(HttpCall call) {
        RequestVerifier.Verified signed = verifier.verify(call);
        AgentCallback callback = call.bodyAs(codec, AgentCallback.class);
        CallbackValidator.check(callback);
        NodeSignatures.requireSigner(signed, callback.nodeId(), refusals);
        refuseForged(callback, call.remoteAddr());
        if (!waiting.tryAcquire()) {
            verifier.release(signed);
            throw new HttpError(503, "busy", maxWaiting + " callbacks are already waiting for their results to be"
                    + " saved; send these results again shortly");
        }
        return saves.save(OutcomeGrouper.group(callback, clock.instant()))
                .orTimeout(SAVE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .handle((saved, error) -> {
                    waiting.release();
                    if (error != null) {
                        verifier.release(signed);
                        throw new HttpError(503, "unavailable", "results were not saved (" + describe(error)
                                + "); send them again");
                    }
                    accepted.increment(callback.results().size());
                    return HttpReply.json(200, Map.of("accepted", callback.results().size()));
                });
    }

    private static String describe(Throwable error) {
        Throwable why = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return why instanceof TimeoutException ? "the broker did not confirm them within " + SAVE_TIMEOUT_MS + " ms"
                : String.valueOf(why.getMessage());
    }

    /** Callbacks waiting for their save now. */
    int waiting() {
        return maxWaiting - waiting.availablePermits();
    }

    private void refuseForged(AgentCallback callback, String remoteAddr) {
        List<String> nodeKeys = keys.acceptedKeys(callback.nodeId());
        for (SubtaskResult r : callback.results()) {
            boolean issued = false;
            for (String key : nodeKeys) {
                issued |= Signatures.matches(Signatures.callbackToken(key, r.subtaskId()), r.callbackToken());
            }
            if (!issued) {
                forged.increment();
                alerts.raise(Alert.CRITICAL, "forged_callback",
                        "node " + callback.nodeId() + " sent a result for subtask " + r.subtaskId()
                                + " with a callback token we did not issue; the whole callback was refused",
                        r.taskId(), callback.nodeId(), Map.of("subtask_id", r.subtaskId(),
                                "remote_addr", String.valueOf(remoteAddr)));
                throw refusals.refuse(403, "forged_token", "callback_token of subtask " + r.subtaskId()
                        + " is not the one issued for it; no result of this callback was accepted");
            }
        }
    }
}
