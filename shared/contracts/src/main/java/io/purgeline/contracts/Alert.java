package io.purgeline.contracts;

import java.time.Instant;
import java.util.Map;

/**
 * Something ops should know. {@code kind} is a stable machine word ("poison_message", "node_unreachable", …),
 * {@code message} the sentence; the routing key on the alerts exchange is {@code severity + "." + kind}.
 */
public record Alert(
        String source,
        String severity,
        String kind,
        String message,
        String taskId,
        String nodeId,
        Instant at,
        Map<String, String> details) {

    public static final String INFO = "info";
    public static final String WARNING = "warning";
    public static final String CRITICAL = "critical";

    public String routingKey() {
        return severity + "." + kind;
    }
}
