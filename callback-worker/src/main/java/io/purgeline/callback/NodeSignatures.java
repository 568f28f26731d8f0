package io.purgeline.callback;

import io.purgeline.contracts.Ids;
import io.purgeline.service.AgentKeys;
import io.purgeline.service.Refusals;
import io.purgeline.service.RequestVerifier;
import java.util.List;

/** The agent links' side of request signing here: a node signs with its own key, and speaks only for itself. */
final class NodeSignatures {
    private NodeSignatures() {}

    /** The secrets of access key {@code nodeId}: that node's keys under every master in use. */
    static RequestVerifier.Keys of(AgentKeys keys) {
        return accessKey -> Ids.isNodeId(accessKey) ? keys.acceptedKeys(accessKey) : List.of();
    }

    /** Refuses (403) a body that names another node than the one whose key signed it. */
    static void requireSigner(RequestVerifier.Verified signed, String nodeId, Refusals refusals) {
        if (!signed.accessKey().equals(nodeId)) {
            throw refusals.refuse(403, "wrong_node", "the request is signed by node '" + signed.accessKey()
                    + "' but speaks for node '" + nodeId + "'; a node reports only for itself");
        }
    }
}
