package io.purgeline.agent;

import io.purgeline.service.Env;
import io.purgeline.service.NodeLinkKeys;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The agent's configuration, built once from the environment.
 *
 * @param nodeId        this cache node's id; batches for another node are refused
 * @param cacheKind     which cache the agent drives: "varnish" (default), "nginx", "ats" or "squid"
 * @param cacheUrl      the local cache's HTTP address; purges, bans and prefetches go there
 * @param heartbeatUrl  base URL of callback-worker, or null to send no heartbeats
 * @param heartbeatInterval  3 heartbeats fit in the 15 s after which a node is usually considered offline
 * @param workers       subtasks worked on at once: each holds one request to the local cache at a time, and a cache
 *                      serves 8 concurrent purges without noticing
 * @param queueCapacity subtasks waiting for a worker; beyond that the agent answers 503 and dispatch retries later
 * @param cacheTimeout  per purge/ban request; for a prefetch, the longest silence while the body streams
 * @param callbackTimeout per result or heartbeat POST to callback-worker
 * @param rememberSubtasks finished subtasks (id and result) kept to recognise a redelivered one: 100,000 covers the
 *                      10 minutes below at up to 160 subtasks a second; a one-URL result is a few hundred bytes, so
 *                      the memory stays in the tens of MB
 * @param rememberFor   how long a finished subtask is remembered: 10 minutes outlasts the dispatcher's retry delays
 *                      and its in-flight timeout, the two ways the same subtask comes back
 * @param rememberBytes the encoded results remembered at most, whatever their count: a hundred-URL result is tens
 *                      of KB, so the count alone would let a busy node's memory grow to gigabytes
 * @param keys          this node's link keys ({@code PURGELINE_NODE_KEYS}; docs/contracts.md, node keys)
 */
public record AgentSettings(
        String nodeId,
        String cacheKind,
        URI cacheUrl,
        URI heartbeatUrl,
        Duration heartbeatInterval,
        int workers,
        int queueCapacity,
        Duration cacheTimeout,
        Duration callbackTimeout,
        int rememberSubtasks,
        Duration rememberFor,
        long rememberBytes,
        NodeLinkKeys keys) {

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public static AgentSettings from(Env env) {
        String nodeId = env.str("PURGELINE_NODE_ID", null);
        if (nodeId == null) {
            throw new IllegalArgumentException("PURGELINE_NODE_ID is required: the id this cache node is registered"
                    + " under (letters, digits, '.', '_', '-', at most 64)");
        }
        if (!NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("PURGELINE_NODE_ID must match " + NODE_ID + ", got '" + nodeId + "'");
        }
        String heartbeat = env.str("PURGELINE_HEARTBEAT_URL", null);
        return new AgentSettings(
                nodeId,
                env.str("PURGELINE_CACHE_KIND", "varnish"),
                httpUri("PURGELINE_CACHE_URL", env.str("PURGELINE_CACHE_URL", "http://127.0.0.1:6081")),
                heartbeat == null ? null : httpUri("PURGELINE_HEARTBEAT_URL", heartbeat),
                positive("PURGELINE_HEARTBEAT_INTERVAL_MS",
                        env.millis("PURGELINE_HEARTBEAT_INTERVAL_MS", Duration.ofSeconds(5))),
                atLeastOne("PURGELINE_AGENT_WORKERS", env.integer("PURGELINE_AGENT_WORKERS", 8)),
                atLeastOne("PURGELINE_AGENT_QUEUE", env.integer("PURGELINE_AGENT_QUEUE", 1000)),
                positive("PURGELINE_CACHE_TIMEOUT_MS", env.millis("PURGELINE_CACHE_TIMEOUT_MS", Duration.ofSeconds(10))),
                positive("PURGELINE_CALLBACK_TIMEOUT_MS",
                        env.millis("PURGELINE_CALLBACK_TIMEOUT_MS", Duration.ofSeconds(5))),
                atLeastOne("PURGELINE_AGENT_REMEMBER", env.integer("PURGELINE_AGENT_REMEMBER", 100_000)),
                positive("PURGELINE_AGENT_REMEMBER_MS",
                        env.millis("PURGELINE_AGENT_REMEMBER_MS", Duration.ofMinutes(10))),
                atLeastOne("PURGELINE_AGENT_REMEMBER_BYTES", env.integer("PURGELINE_AGENT_REMEMBER_BYTES", 8 << 20)),
                NodeLinkKeys.from(env, nodeId));
    }

    /** An absolute http(s) URL; a trailing slash is dropped so that paths can be appended. */
    static URI httpUri(String name, String value) {
        URI uri;
        try {
            uri = new URI(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(name + " is not a URL: '" + value + "'");
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException(name + " must be an http:// or https:// URL with a host, got '"
                    + value + "'");
        }
        return uri;
    }

    private static int atLeastOne(String name, int n) {
        if (n < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, got " + n);
        }
        return n;
    }

    private static Duration positive(String name, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be more than 0, got " + d.toMillis());
        }
        return d;
    }
}
