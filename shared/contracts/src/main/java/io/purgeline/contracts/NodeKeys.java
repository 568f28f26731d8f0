package io.purgeline.contracts;

/**
 * The key of one node's agent links, derived from a master key and the node id: the workers hold only the master and
 * derive any node's key; a node holds only its own, so a compromised node can sign for nobody else.
 */
public final class NodeKeys {
    private NodeKeys() {}

    /** hex(HMAC-SHA256(master, "purgeline-node-key\n" + nodeId)). */
    public static String derive(String masterKey, String nodeId) {
        return Signatures.hmacHex(masterKey, "purgeline-node-key\n" + nodeId);
    }
}
