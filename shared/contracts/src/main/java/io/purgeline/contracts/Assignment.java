package io.purgeline.contracts;

/**
 * One node's share of a dispatch message; {@code attempt} counts deliveries to this node, starting at 1, except
 * re-sends that found the agent still working on the subtask: those are checks, not attempts.
 */
public record Assignment(String subtaskId, String nodeId, String address, int attempt) {
    public Assignment nextAttempt() {
        return new Assignment(subtaskId, nodeId, address, attempt + 1);
    }

    /** The attempt before this one, for a re-send that turned out to be a check (never below the first). */
    public Assignment previousAttempt() {
        return new Assignment(subtaskId, nodeId, address, Math.max(1, attempt - 1));
    }
}
