package io.purgeline.agent;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.Heartbeat;
import io.purgeline.service.NodeLinkKeys;
import io.purgeline.service.SignedPost;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.client.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells callback-worker every interval that this node is alive, with its queue sizes. A lost heartbeat is not
 * retried (the next one follows shortly); a change between reachable and unreachable is logged once. Heartbeats can
 * be paused (the fleet simulator's offline switch); resuming sends one at once, as a restarted agent would.
 */
public final class HeartbeatSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeartbeatSender.class);
    public static final String PATH = "/v1/agent/heartbeat";

    private final HttpClient client;
    private final Codec codec;
    private final NodeLinkKeys keys;
    private final URI uri;
    private final Duration timeout;
    private final Supplier<Heartbeat> state;
    private final ScheduledExecutorService timer;
    private volatile ScheduledFuture<?> schedule;
    private volatile boolean paused;
    private volatile boolean lastDelivered = true;

    private HeartbeatSender(HttpClient client, Codec codec, NodeLinkKeys keys, URI uri, Duration timeout,
            Supplier<Heartbeat> state, ScheduledExecutorService timer) {
        this.client = client;
        this.codec = codec;
        this.keys = keys;
        this.uri = uri;
        this.timeout = timeout;
        this.state = state;
        this.timer = timer;
    }

    /** @param timer the agent's shared timer; cancelling this sender's schedule leaves it running */
    public static HeartbeatSender start(HttpClient client, Codec codec, NodeLinkKeys keys, URI callbackBase,
            Duration interval, Duration timeout, Supplier<Heartbeat> state, ScheduledExecutorService timer) {
        HeartbeatSender sender = new HeartbeatSender(client, codec, keys, URI.create(callbackBase + PATH), timeout,
                state, timer);
        sender.schedule = timer.scheduleWithFixedDelay(sender::beat, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return sender;
    }

    /** Stops or resumes heartbeats; resuming sends one at once. */
    public void paused(boolean pause) {
        boolean was = paused;
        paused = pause;
        if (was && !pause) {
            try {
                timer.execute(this::beat);
            } catch (RejectedExecutionException stopping) {
                // the agent is stopping: no heartbeat is due any more
            }
        }
    }

    private void beat() {
        if (paused) {
            return;
        }
        SignedPost.send(client, uri, codec.encode(state.get()), keys.nodeId(), keys.signing(), timeout)
                .whenComplete((response, error) -> {
                    boolean delivered = error == null && response.getStatus() / 100 == 2;
                    if (delivered != lastDelivered) {
                        lastDelivered = delivered;
                        if (delivered) {
                            log.info("heartbeats reach {} again", uri);
                        } else {
                            log.warn("heartbeat to {} failed: {}", uri, error != null
                                    ? String.valueOf(error.getMessage()) : "answered " + response.getStatus());
                        }
                    }
                });
    }

    @Override
    public void close() {
        schedule.cancel(false);
    }
}
