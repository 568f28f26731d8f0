package io.purgeline.alert;

import io.purgeline.contracts.Alert;

/**
 * What alerts are de-duplicated by: kind + subject. The subject is what the alert is about: the node for node alerts,
 * else {@code details.subject} (module type, queue, dead-letter area), else the task, else the raising worker.
 */
final class AlertKey {
    /** Alerts name their subject in this detail when it is neither a node nor a task. */
    static final String SUBJECT_DETAIL = "subject";

    private AlertKey() {}

    static String subject(Alert alert) {
        if (alert.nodeId() != null && !alert.nodeId().isBlank()) {
            return alert.nodeId();
        }
        if (alert.details() != null && alert.details().get(SUBJECT_DETAIL) != null) {
            return alert.details().get(SUBJECT_DETAIL);
        }
        if (alert.taskId() != null && !alert.taskId().isBlank()) {
            return alert.taskId();
        }
        return alert.source() == null ? "purgeline" : alert.source();
    }

    static String of(String kind, String subject) {
        return kind + "/" + subject;
    }
}
