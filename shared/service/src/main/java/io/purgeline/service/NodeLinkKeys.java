package io.purgeline.service;

import io.purgeline.contracts.NodeKeys;
import java.util.List;

/**
 * One agent's side of its links: its node id (the {@code Accesskey} of every request it signs or accepts) and its
 * keys. The first key signs the agent's callbacks and heartbeats; requests from dispatch are accepted under any of
 * them, so that a rotation can add the new key before the workers use it (docs/contracts.md).
 *
 * @param keys {@code PURGELINE_NODE_KEYS}, comma-separated, the one in use first; without it (development only) the
 *             keys are derived from {@code PURGELINE_AGENT_MASTER_KEYS}
 */
public record NodeLinkKeys(String nodeId, List<String> keys) {
    public static final String KEYS = "PURGELINE_NODE_KEYS";

    public NodeLinkKeys {
        if (keys == null || keys.isEmpty()) {
            throw new IllegalArgumentException("node " + nodeId + " needs at least one link key");
        }
        keys = List.copyOf(keys);
    }

    public static NodeLinkKeys from(Env env, String nodeId) {
        Secrets secrets = new Secrets(env);
        String given = env.str(KEYS, null);
        if (given == null) {
            if (env.str(AgentKeys.MASTERS, null) == null && !secrets.development()) {
                throw new IllegalArgumentException(KEYS + " is required: this node's key (docs/contracts.md, node"
                        + " keys), or " + Secrets.DEV + "=true on a development machine");
            }
            return AgentKeys.from(env).forNode(nodeId);
        }
        return new NodeLinkKeys(nodeId, secrets.list(KEYS, NodeKeys.derive(AgentKeys.DEV_MASTER, nodeId)));
    }

    public String signing() {
        return keys.get(0);
    }

    /** The keys a request signed with access key {@code accessKey} may carry: this node's, or none. */
    public List<String> secretsOf(String accessKey) {
        return nodeId.equals(accessKey) ? keys : List.of();
    }
}
