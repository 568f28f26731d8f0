package io.purgeline.alert;

import static net.logstash.logback.argument.StructuredArguments.entries;

import io.purgeline.contracts.Alert;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first alert sink: one structured JSON log line per alert. The message is the alert's sentence; the fields are
 * structured arguments, which the Logstash encoder puts at the top level of the line for log search.
 */
public final class AlertLog {
    private static final Logger log = LoggerFactory.getLogger("purgeline.alerts");

    public void write(Alert alert) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("alert_source", alert.source());
        fields.put("alert_severity", alert.severity());
        fields.put("alert_kind", alert.kind());
        fields.put("task_id", alert.taskId());
        fields.put("node_id", alert.nodeId());
        fields.put("alert_at", String.valueOf(alert.at()));
        if (alert.details() != null) {
            fields.put("alert_details", alert.details());
        }
        if (Alert.CRITICAL.equals(alert.severity())) {
            log.error("{}", alert.message(), entries(fields));
        } else if (Alert.INFO.equals(alert.severity())) {
            log.info("{}", alert.message(), entries(fields));
        } else {
            log.warn("{}", alert.message(), entries(fields));
        }
    }
}
