package io.purgeline.contracts;

/** One node's share of a dispatch message; {@code attempt} counts deliveries to this node, starting at 1. */
public record Assignment(String subtaskId, String nodeId, String address, int attempt) {
    public Assignment nextAttempt() {
        return new Assignment(subtaskId, nodeId, address, attempt + 1);
    }
}
