package io.purgeline.bench.fleet;

import io.purgeline.contracts.Ids;
import io.purgeline.service.AgentKeys;
import io.purgeline.service.Env;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * How a simulated fleet is made. Node {@code i} (from 0) is called {@code idPrefix + (i + 1)} and listens on
 * {@code 127.<firstBlock + i / 254>.<1 + i % 254>}: blocks start at 2 so that they never meet the 127.0.1.* edges of
 * {@code LocalStack} or the workers on 127.0.0.1.
 *
 * @param nodes             how many nodes
 * @param idPrefix          node ids are this prefix followed by the node's number from 1
 * @param firstBlock        the third byte of the first node's address, 2 to 255
 * @param port              every node's port; 0 lets each take a free one
 * @param callbackBase      callback-worker's base URL: heartbeats go to {@code <base>/v1/agent/heartbeat}; null
 *                          sends none
 * @param keys              the agent link keys every node checks and signs with
 * @param latency           what each purge or prefetch takes on a simulated cache
 * @param failureRate       the share of targets that fail, 0 to 1
 * @param heartbeatInterval as for a real agent
 * @param workerThreads     threads working on subtasks for all nodes together; a subtask holds one for
 *                          {@code latency} per target, so 8 threads at 2 ms give 4,000 targets a second, more than
 *                          the rest of purgeline moves on this machine
 * @param nodeWorkers       subtasks one node works on at once, as a real agent's workers
 * @param nodeQueue         subtasks one node lets wait, as a real agent's queue
 * @param rememberSubtasks  finished subtasks each node remembers to suppress duplicates; below a real agent's 100,000
 *                          because hundreds of nodes share one heap
 * @param rememberFor       how long each node remembers a finished subtask
 * @param controlHost       where the fleet's own endpoints listen ({@code /stats}, {@code /v1/fleet/nodes})
 */
public record FleetConfig(
        int nodes,
        String idPrefix,
        int firstBlock,
        int port,
        URI callbackBase,
        AgentKeys keys,
        Duration latency,
        double failureRate,
        Duration heartbeatInterval,
        int workerThreads,
        int nodeWorkers,
        int nodeQueue,
        int rememberSubtasks,
        Duration rememberFor,
        String controlHost) {

    public FleetConfig {
        if (firstBlock < 2 || firstBlock > 255) {
            throw new IllegalArgumentException("the first address block must be 2 to 255 (127.0.0.* and 127.0.1.* are"
                    + " taken by the workers and LocalStack's edges), got " + firstBlock);
        }
        if (nodes < 1 || nodes > maxNodes(firstBlock)) {
            throw new IllegalArgumentException("a fleet from 127." + firstBlock + ".0.0 has room for 1 to "
                    + maxNodes(firstBlock) + " nodes, got " + nodes);
        }
        if (idPrefix == null || !Ids.isNodeId(idPrefix + nodes)) {
            throw new IllegalArgumentException("node ids '" + idPrefix + "1' to '" + idPrefix + nodes
                    + "' must match " + Ids.NODE_ID);
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be 0 to 65535, got " + port);
        }
        if (callbackBase != null && (callbackBase.getHost() == null
                || !("http".equals(callbackBase.getScheme()) || "https".equals(callbackBase.getScheme())))) {
            throw new IllegalArgumentException("the callback base must be an http(s) URL with a host, got '"
                    + callbackBase + "'");
        }
        if (keys == null) {
            throw new IllegalArgumentException("the fleet needs the agent keys");
        }
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative, got " + latency.toMillis() + " ms");
        }
        if (!(failureRate >= 0 && failureRate <= 1)) {
            throw new IllegalArgumentException("failure rate must be between 0 and 1, got " + failureRate);
        }
        positive("heartbeat interval", heartbeatInterval);
        positive("remember for", rememberFor);
        atLeastOne("worker threads", workerThreads);
        atLeastOne("node workers", nodeWorkers);
        atLeastOne("node queue", nodeQueue);
        atLeastOne("remembered subtasks", rememberSubtasks);
    }

    /** {@code nodes} nodes with the defaults: ids sim-1…, from 127.0.2.1, free ports, 2 ms latency, no failures. */
    public static FleetConfig of(int nodes, URI callbackBase, AgentKeys keys) {
        return new FleetConfig(nodes, "sim-", 2, 0, callbackBase, keys, Duration.ofMillis(2), 0,
                Duration.ofSeconds(5), 8, 8, 1000, 10_000, Duration.ofMinutes(10), "127.0.0.1");
    }

    /**
     * From the environment: PURGELINE_FLEET_NODES (50), PURGELINE_FLEET_ID_PREFIX (sim-), PURGELINE_FLEET_FIRST_BLOCK
     * (2), PURGELINE_FLEET_PORT (0), PURGELINE_HEARTBEAT_URL (none), PURGELINE_AGENT_MASTER_KEYS (each node signs with its own key derived from it),
     * PURGELINE_FLEET_LATENCY_MS (2), PURGELINE_FLEET_FAILURE_RATE (0), PURGELINE_HEARTBEAT_INTERVAL_MS (5000),
     * PURGELINE_FLEET_THREADS (8).
     */
    public static FleetConfig from(Env env) {
        String callback = env.str("PURGELINE_HEARTBEAT_URL", null);
        FleetConfig defaults = of(env.integer("PURGELINE_FLEET_NODES", 50),
                callback == null ? null : URI.create(callback.endsWith("/")
                        ? callback.substring(0, callback.length() - 1) : callback),
                AgentKeys.from(env));
        return new FleetConfig(defaults.nodes(), env.str("PURGELINE_FLEET_ID_PREFIX", defaults.idPrefix()),
                env.integer("PURGELINE_FLEET_FIRST_BLOCK", defaults.firstBlock()),
                env.integer("PURGELINE_FLEET_PORT", defaults.port()), defaults.callbackBase(), defaults.keys(),
                env.millis("PURGELINE_FLEET_LATENCY_MS", defaults.latency()),
                rate(env.str("PURGELINE_FLEET_FAILURE_RATE", "0")),
                env.millis("PURGELINE_HEARTBEAT_INTERVAL_MS", defaults.heartbeatInterval()),
                env.integer("PURGELINE_FLEET_THREADS", defaults.workerThreads()), defaults.nodeWorkers(),
                defaults.nodeQueue(), defaults.rememberSubtasks(), defaults.rememberFor(), defaults.controlHost());
    }

    public FleetConfig withIdPrefix(String prefix) {
        return new FleetConfig(nodes, prefix, firstBlock, port, callbackBase, keys, latency, failureRate,
                heartbeatInterval, workerThreads, nodeWorkers, nodeQueue, rememberSubtasks, rememberFor, controlHost);
    }

    public FleetConfig withFirstBlock(int block) {
        return new FleetConfig(nodes, idPrefix, block, port, callbackBase, keys, latency, failureRate,
                heartbeatInterval, workerThreads, nodeWorkers, nodeQueue, rememberSubtasks, rememberFor, controlHost);
    }

    public FleetConfig withLatency(Duration d) {
        return new FleetConfig(nodes, idPrefix, firstBlock, port, callbackBase, keys, d, failureRate,
                heartbeatInterval, workerThreads, nodeWorkers, nodeQueue, rememberSubtasks, rememberFor, controlHost);
    }

    public FleetConfig withFailureRate(double rate) {
        return new FleetConfig(nodes, idPrefix, firstBlock, port, callbackBase, keys, latency, rate,
                heartbeatInterval, workerThreads, nodeWorkers, nodeQueue, rememberSubtasks, rememberFor, controlHost);
    }

    public FleetConfig withHeartbeatInterval(Duration d) {
        return new FleetConfig(nodes, idPrefix, firstBlock, port, callbackBase, keys, latency, failureRate, d,
                workerThreads, nodeWorkers, nodeQueue, rememberSubtasks, rememberFor, controlHost);
    }

    /** The loopback address of node {@code index} (from 0). */
    public InetAddress addressOf(int index) {
        byte[] ip = {127, 0, (byte) (firstBlock + index / 254), (byte) (1 + index % 254)};
        try {
            return InetAddress.getByAddress(ip);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes always make an IPv4 address", e);
        }
    }

    public String nodeId(int index) {
        return idPrefix + (index + 1);
    }

    private static int maxNodes(int firstBlock) {
        return (256 - firstBlock) * 254;
    }

    private static double rate(String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("PURGELINE_FLEET_FAILURE_RATE must be a number from 0 to 1, got '"
                    + value + "'");
        }
    }

    private static void positive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be more than 0, got " + d);
        }
    }

    private static void atLeastOne(String what, int n) {
        if (n < 1) {
            throw new IllegalArgumentException(what + " must be at least 1, got " + n);
        }
    }
}
