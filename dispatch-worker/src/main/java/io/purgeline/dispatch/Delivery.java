package io.purgeline.dispatch;

import io.purgeline.contracts.Assignment;
import io.purgeline.contracts.SubtaskResult;

/**
 * How one node's batch fared. {@code failure} is null when the agent accepted it (2xx); {@code httpCode} is the
 * agent's answer, null when there was none. {@code retryable} is false when sending again cannot help.
 * {@code stillRunning}: the agent already had this subtask and is still working on it. {@code result}: the subtask's
 * result when the agent's answer carried it, else null (it comes by callback).
 */
public record Delivery(Assignment assignment, Integer httpCode, String failure, boolean retryable,
        boolean stillRunning, SubtaskResult result) {
    static Delivery accepted(Assignment a, int httpCode, boolean stillRunning, SubtaskResult result) {
        return new Delivery(a, httpCode, null, false, stillRunning, result);
    }

    static Delivery unanswered(Assignment a, String reason) {
        return new Delivery(a, null, reason, true, false, null);
    }

    static Delivery refused(Assignment a, int httpCode, String reason) {
        return new Delivery(a, httpCode, reason, true, false, null);
    }

    static Delivery impossible(Assignment a, String reason) {
        return new Delivery(a, null, reason, false, false, null);
    }

    public boolean ok() {
        return failure == null;
    }

    /** No answer at all: refused, timed out or cut off before the agent said anything. The node may be down. */
    public boolean unanswered() {
        return failure != null && httpCode == null && retryable;
    }

    /** The sentence recorded for a node given up on, e.g. "agent at 10.0.0.7:8090 unreachable after 3 attempts: …". */
    public String finalReason() {
        int n = assignment.attempt();
        String attempts = n + (n == 1 ? " attempt" : " attempts");
        if (httpCode != null) {
            return "agent at " + assignment.address() + " refused the batch after " + attempts + ": " + failure;
        }
        if (!retryable) {
            return "agent at " + assignment.address() + " cannot be sent to: " + failure;
        }
        return "agent at " + assignment.address() + " unreachable after " + attempts + ": " + failure;
    }
}
