package io.purgeline.service;

import io.purgeline.contracts.NodeKeys;
import java.util.List;

/**
 * The workers' side of the agent links (dispatch → agent → callback-worker): the master keys every node's key is
 * derived from ({@link NodeKeys}). The first master signs; every one listed is accepted, so a master is rotated by
 * listing the new one first and the old one after it until every agent holds its new key (docs/contracts.md).
 *
 * @param masters {@code PURGELINE_AGENT_MASTER_KEYS}, comma-separated, the one in use first
 */
public record AgentKeys(List<String> masters) {
    public static final String MASTERS = "PURGELINE_AGENT_MASTER_KEYS";
    /** Published with the code: accepted only with {@code PURGELINE_DEV=true}. */
    public static final String DEV_MASTER = "purgeline-dev-agent-master";

    public AgentKeys {
        if (masters == null || masters.isEmpty()) {
            throw new IllegalArgumentException("the agent links need at least one master key");
        }
        masters = List.copyOf(masters);
    }

    public static AgentKeys from(Env env) {
        return new AgentKeys(new Secrets(env).list(MASTERS, DEV_MASTER));
    }

    /** The key a request to or about this node is signed with, and its callback tokens made with. */
    public String signingKey(String nodeId) {
        return NodeKeys.derive(masters.get(0), nodeId);
    }

    /** Every key this node may sign with during a rotation. */
    public List<String> acceptedKeys(String nodeId) {
        return masters.stream().map(m -> NodeKeys.derive(m, nodeId)).toList();
    }

    /** The keys one node's agent holds, derived here (the fleet simulator's and the tests' way to get them). */
    public NodeLinkKeys forNode(String nodeId) {
        return new NodeLinkKeys(nodeId, acceptedKeys(nodeId));
    }
}
