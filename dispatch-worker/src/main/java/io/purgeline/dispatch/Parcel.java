package io.purgeline.dispatch;

import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.DispatchMessage;
import io.purgeline.contracts.Lane;

/**
 * One subtask on its way to its node: the lane message it came in (task, targets, options) and that lane, the node's
 * assignment, and when its result is due (the in-flight timer recorded for it, so that a failed send removes exactly
 * that timer).
 */
record Parcel(Lane lane, DispatchMessage message, Assignment assignment, long dueMillis) {
    /** Parcels for one node share this key: a node re-registered at another address is another destination. */
    String destination() {
        return assignment.nodeId() + "@" + assignment.address();
    }

    int targets() {
        return message.targets().size();
    }
}
