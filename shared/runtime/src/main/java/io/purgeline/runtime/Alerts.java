package io.purgeline.runtime;

import io.purgeline.contracts.Alert;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Raises alerts on the alerts exchange, where alert-worker picks them up. */
public final class Alerts {
    private static final Logger log = LoggerFactory.getLogger(Alerts.class);

    private final Publisher publisher;
    private final Topology topology;
    private final String source;

    public Alerts(Publisher publisher, Topology topology, String source) {
        this.publisher = publisher;
        this.topology = topology;
        this.source = source;
    }

    /**
     * Publishes the alert (confirmed). An alert that cannot be published is logged, not thrown: losing an alert must
     * not turn into losing or re-running the work that raised it.
     */
    public void raise(String severity, String kind, String message, String taskId, String nodeId,
            Map<String, String> details) {
        Alert alert = new Alert(source, severity, kind, message, taskId, nodeId, Instant.now(), details);
        try {
            publisher.publish(Outgoing.of(topology.alertsExchange(), alert.routingKey(), "alert", alert)
                    .correlationId(taskId));
        } catch (BrokerException e) {
            log.error("could not publish alert {}: {}", kind, message, e);
        }
    }
}
