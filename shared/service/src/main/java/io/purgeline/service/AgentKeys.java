package io.purgeline.service;

import io.purgeline.contracts.NodeKeys;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The workers' side of the agent links (dispatch → agent → callback-worker): the master keys every node's key is
 * derived from ({@link NodeKeys}). The first master signs; every one listed is accepted, so a master is rotated by
 * listing the new one first and the old one after it until every agent holds its new key (docs/contracts.md).
 *
 * <p>Derived keys are remembered: deriving one is an HMAC, and dispatch-worker derived a node's key twice for every
 * request it sent (5 % of its processor under load). At most {@link #REMEMBERED} nodes' keys are kept, because
 * callback-worker derives keys for whatever node a request names before it knows the request is genuine; beyond
 * that, keys are derived each time.
 */
public final class AgentKeys {
    public static final String MASTERS = "PURGELINE_AGENT_MASTER_KEYS";
    /** Published with the code: accepted only with {@code PURGELINE_DEV=true}. */
    public static final String DEV_MASTER = "purgeline-dev-agent-master";
    /** Nodes whose keys are remembered, at most: a few MB, more nodes than a CDN has. */
    static final int REMEMBERED = 20_000;

    private final List<String> masters;
    private final Map<String, List<String>> derived = new ConcurrentHashMap<>();

    /** @param masters {@code PURGELINE_AGENT_MASTER_KEYS}, comma-separated, the one in use first */
    public AgentKeys(List<String> masters) {
        if (masters == null || masters.isEmpty()) {
            throw new IllegalArgumentException("the agent links need at least one master key");
        }
        this.masters = List.copyOf(masters);
    }

    public static AgentKeys from(Env env) {
        return new AgentKeys(new Secrets(env).list(MASTERS, DEV_MASTER));
    }

    public List<String> masters() {
        return masters;
    }

    /** The key a request to or about this node is signed with, and its callback tokens made with. */
    public String signingKey(String nodeId) {
        return acceptedKeys(nodeId).get(0);
    }

    /** Every key this node may sign with during a rotation, the signing key first. */
    public List<String> acceptedKeys(String nodeId) {
        List<String> keys = derived.get(nodeId);
        if (keys != null) {
            return keys;
        }
        keys = masters.stream().map(m -> NodeKeys.derive(m, nodeId)).toList();
        if (derived.size() < REMEMBERED) {
            derived.putIfAbsent(nodeId, keys);
        }
        return keys;
    }

    /** The keys one node's agent holds, derived here (the fleet simulator's and the tests' way to get them). */
    public NodeLinkKeys forNode(String nodeId) {
        return new NodeLinkKeys(nodeId, acceptedKeys(nodeId));
    }
}
