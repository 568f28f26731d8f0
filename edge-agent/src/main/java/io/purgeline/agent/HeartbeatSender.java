package io.purgeline.agent;

import io.purgeline.contracts.Codec;
import io.purgeline.contracts.Encoded;
import io.purgeline.contracts.Heartbeat;
import io.purgeline.service.AgentKeys;
import io.purgeline.service.SignedPost;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells callback-worker every interval that this node is alive, with its queue sizes. A lost heartbeat is not
 * retried (the next one follows shortly); a change between reachable and unreachable is logged once.
 */
public final class HeartbeatSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeartbeatSender.class);
    public static final String PATH = "/v1/agent/heartbeat";

    private final ScheduledExecutorService timer;
    private volatile boolean lastDelivered = true;

    private HeartbeatSender(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    public static HeartbeatSender start(HttpClient client, Codec codec, AgentKeys keys, URI callbackBase,
            Duration interval, Duration timeout, String nodeId, String version, String cacheKind,
            SubtaskRunner runner) {
        URI uri = URI.create(callbackBase + PATH);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "heartbeat"));
        HeartbeatSender sender = new HeartbeatSender(timer);
        timer.scheduleWithFixedDelay(() -> sender.send(client, uri, keys, timeout, codec.encode(
                        new Heartbeat(nodeId, version, cacheKind, runner.queued(), runner.running()))),
                0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return sender;
    }

    private void send(HttpClient client, URI uri, AgentKeys keys, Duration timeout, Encoded body) {
        SignedPost.send(client, uri, body, keys.accessKey(), keys.secret(), timeout).whenComplete((response, error) -> {
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
        timer.shutdownNow();
    }
}
