package io.purgeline.dispatch;

import io.purgeline.service.Env;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;

/**
 * dispatch-worker's own configuration (the shared services come from {@code PurgelineConfig}).
 *
 * @param callbackApi  where agents post results: callback-worker's {@code /v1/agent/callback}
 * @param agentTimeout how long an agent has to answer a batch; it only has to queue it (and hold the answer at most
 *                     {@code answerWithin}), so a healthy agent answers within that and 5 s means it is overloaded
 *                     or gone
 * @param answerWithin how long an agent may hold its answer for the batch's results ({@code answer_ms}); a purge on
 *                     a healthy cache takes a few ms, so 250 ms lets nearly every result ride back in the answer,
 *                     while a slow one (a large prefetch) comes by callback. 0: every result by callback
 * @param concurrency  lane consumers per lane; a handler only records and queues its nodes' work, so a few keep up
 *                     with the broker
 * @param prefetch     lane messages buffered per consumer, and the most it handles together: enough to keep handlers
 *                     fed, few enough that another dispatch instance gets a share of a burst
 * @param inflightTimeout how long after an agent accepted a delivery its result may take before the delivery is sent
 *                     again; 30 s is several times what a batch of cache purges takes, so only a lost batch or a
 *                     crashed agent hits it
 * @param heartbeatTimeout a node not heard from for this long is offline; 15 s is three missed heartbeats of an agent
 *                     (5 s apart), so one lost heartbeat does not park a node's work
 * @param sweepInterval how often the singletons (node watchdog, catch-up, in-flight sweeper) run; it bounds how late
 *                     a timer fires and how long a returned node's leftovers wait
 * @param outboxCapacity node subtasks queued for sending or awaiting their agent's answer, at most; beyond it lane
 *                     consumers wait, and the backlog stays in the broker. 20,000 is a few seconds of the fleet's
 *                     intake at full speed, a few MiB of heap
 */
public record DispatchSettings(URI callbackApi, Duration agentTimeout, Duration answerWithin, int concurrency,
        int prefetch,
        Duration inflightTimeout, Duration heartbeatTimeout, Duration sweepInterval, int outboxCapacity) {
    public static DispatchSettings from(Env env) {
        String callback = env.str("PURGELINE_CALLBACK_API", "http://127.0.0.1:8081/v1/agent/callback");
        URI callbackApi;
        try {
            callbackApi = new URI(callback);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("PURGELINE_CALLBACK_API is not a URL: '" + callback + "'");
        }
        if (!("http".equals(callbackApi.getScheme()) || "https".equals(callbackApi.getScheme()))
                || callbackApi.getHost() == null) {
            throw new IllegalArgumentException("PURGELINE_CALLBACK_API must be an http(s) URL with a host, got '"
                    + callback + "'");
        }
        Duration timeout = positive(env, "PURGELINE_AGENT_TIMEOUT_MS", Duration.ofSeconds(5));
        Duration answerWithin = env.millis("PURGELINE_AGENT_ANSWER_MS", Duration.ofMillis(250));
        if (answerWithin.isNegative() || answerWithin.compareTo(timeout) >= 0) {
            throw new IllegalArgumentException("PURGELINE_AGENT_ANSWER_MS must be from 0 to less than"
                    + " PURGELINE_AGENT_TIMEOUT_MS (" + timeout.toMillis() + "), got " + answerWithin.toMillis());
        }
        int concurrency = env.integer("PURGELINE_DISPATCH_CONCURRENCY", 4);
        if (concurrency < 1) {
            throw new IllegalArgumentException("PURGELINE_DISPATCH_CONCURRENCY must be at least 1, got " + concurrency);
        }
        int outbox = env.integer("PURGELINE_DISPATCH_OUTBOX", 20_000);
        if (outbox < 1) {
            throw new IllegalArgumentException("PURGELINE_DISPATCH_OUTBOX must be at least 1, got " + outbox);
        }
        return new DispatchSettings(callbackApi, timeout, answerWithin, concurrency, 20,
                positive(env, "PURGELINE_INFLIGHT_TIMEOUT_MS", Duration.ofSeconds(30)),
                positive(env, "PURGELINE_NODE_HEARTBEAT_TIMEOUT_MS", Duration.ofSeconds(15)),
                positive(env, "PURGELINE_SWEEP_INTERVAL_MS", Duration.ofSeconds(1)), outbox);
    }

    private static Duration positive(Env env, String name, Duration def) {
        Duration d = env.millis(name, def);
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be more than 0, got " + d.toMillis());
        }
        return d;
    }
}
