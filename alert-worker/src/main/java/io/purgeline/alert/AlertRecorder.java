package io.purgeline.alert;

import io.purgeline.contracts.Alert;
import io.purgeline.contracts.Codec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Records each alert taken from the queue in MariaDB and decides, in the same transaction, whether it goes out: the
 * first alert of its key (kind + subject) opens a window and is queued for every sink at once; repeats within the
 * window are only counted, and {@link #closeDue} queues their summary when the window closes. Row locks on the window
 * keep this right with several alert-workers consuming; an alert redelivered after its commit is recognised by its
 * message id and recorded once.
 */
final class AlertRecorder {
    static final int MESSAGE_CHARS = 2048;
    static final int SUBJECT_CHARS = 255;

    private final Jdbi jdbi;
    private final Codec codec;
    private final Clock clock;
    private final Duration window;
    private final List<String> sinks;

    AlertRecorder(Jdbi jdbi, Codec codec, Clock clock, Duration window, List<String> sinks) {
        this.jdbi = jdbi;
        this.codec = codec;
        this.clock = clock;
        this.window = window;
        this.sinks = List.copyOf(sinks);
    }

    /** What became of an alert. */
    enum Outcome { NOTIFIED, COUNTED, ALREADY_RECORDED }

    private record Window(String key, String kind, String subject, String severity, long firstAlertId,
            String firstMessage, Instant openedAt, Instant closesAt, int repeats) {}

    Outcome record(Alert alert, String messageId) {
        return jdbi.inTransaction(h -> {
            if (messageId != null && h.createQuery("SELECT 1 FROM alerts WHERE message_id = :m").bind("m", messageId)
                    .mapTo(Integer.class).findOne().isPresent()) {
                return Outcome.ALREADY_RECORDED;
            }
            Instant now = clock.instant();
            String subject = cut(AlertKey.subject(alert), SUBJECT_CHARS);
            String key = AlertKey.of(alert.kind(), subject);
            Optional<Window> open = h.createQuery("SELECT * FROM alert_windows WHERE alert_key = :k FOR UPDATE")
                    .bind("k", key).map((rs, ctx) -> window(rs)).findOne();
            if (open.isPresent() && !open.get().closesAt().isAfter(now)) {
                close(h, open.get(), now);
                open = Optional.empty();
            }
            long alertId = insert(h, alert, messageId, subject, now, open.isEmpty());
            if (open.isPresent()) {
                h.createUpdate("UPDATE alert_windows SET repeats = repeats + 1 WHERE alert_key = :k")
                        .bind("k", key).execute();
                return Outcome.COUNTED;
            }
            String message = cut(alert.message(), MESSAGE_CHARS);
            h.createUpdate("""
                    INSERT INTO alert_windows (alert_key, kind, subject, severity, first_alert_id, first_message,
                        opened_at, closes_at, repeats)
                    VALUES (:k, :kind, :subject, :severity, :id, :message, :opened, :closes, 0)""")
                    .bind("k", key).bind("kind", alert.kind()).bind("subject", subject)
                    .bind("severity", alert.severity()).bind("id", alertId).bind("message", message)
                    .bind("opened", Utc.of(now)).bind("closes", Utc.of(now.plus(window))).execute();
            enqueue(h, new Notification(Notification.ALERT, key, alert.severity(), alert.kind(), subject, message,
                    alert.source(), alert.taskId(), alert.nodeId(), alert.at() == null ? now : alert.at(), 0,
                    window.toSeconds(), alertId), now);
            return Outcome.NOTIFIED;
        });
    }

    /** Closes every window whose time is up, queueing a summary of those that counted repeats; returns how many. */
    int closeDue() {
        return jdbi.inTransaction(h -> {
            Instant now = clock.instant();
            List<Window> due = h.createQuery("""
                    SELECT * FROM alert_windows WHERE closes_at <= :now ORDER BY closes_at LIMIT 200 FOR UPDATE""")
                    .bind("now", Utc.of(now)).map((rs, ctx) -> window(rs)).list();
            due.forEach(w -> close(h, w, now));
            return due.size();
        });
    }

    /**
     * Deletes alerts received before {@code historyBefore} and finished notifications created before
     * {@code outboxBefore}, a bounded chunk each per call (the next call goes on).
     */
    void forget(Instant historyBefore, Instant outboxBefore) {
        jdbi.useHandle(h -> {
            h.createUpdate("DELETE FROM alerts WHERE received_at < :t LIMIT 10000")
                    .bind("t", Utc.of(historyBefore)).execute();
            h.createUpdate("DELETE FROM alert_outbox WHERE created_at < :t AND state <> 'pending' LIMIT 10000")
                    .bind("t", Utc.of(outboxBefore)).execute();
        });
    }

    private void close(Handle h, Window w, Instant now) {
        if (w.repeats() > 0) {
            enqueue(h, new Notification(Notification.SUMMARY, w.key(), w.severity(), w.kind(), w.subject(),
                    w.firstMessage() + " — " + w.repeats() + " more in the last "
                            + Notification.describe(Duration.between(w.openedAt(), w.closesAt())),
                    null, null, null, now, w.repeats(), window.toSeconds(), w.firstAlertId()), now);
        }
        h.createUpdate("DELETE FROM alert_windows WHERE alert_key = :k").bind("k", w.key()).execute();
    }

    private void enqueue(Handle h, Notification n, Instant now) {
        String json = codec.toJson(n);
        for (String sink : sinks) {
            h.createUpdate("""
                    INSERT INTO alert_outbox (sink, notification, state, attempts, next_attempt_at, created_at)
                    VALUES (:sink, :n, 'pending', 0, :now, :now)""")
                    .bind("sink", sink).bind("n", json).bind("now", Utc.of(now)).execute();
        }
    }

    private long insert(Handle h, Alert alert, String messageId, String subject, Instant now, boolean notified) {
        return h.createUpdate("""
                INSERT INTO alerts (message_id, source, severity, kind, subject, message, task_id, node_id, details,
                    raised_at, received_at, notified)
                VALUES (:messageId, :source, :severity, :kind, :subject, :message, :taskId, :nodeId, :details,
                    :raisedAt, :receivedAt, :notified)""")
                .bind("messageId", messageId)
                .bind("source", cut(alert.source() == null ? "unknown" : alert.source(), 64))
                .bind("severity", cut(alert.severity() == null ? Alert.WARNING : alert.severity(), 16))
                .bind("kind", cut(alert.kind(), 64))
                .bind("subject", subject)
                .bind("message", cut(alert.message() == null ? "" : alert.message(), MESSAGE_CHARS))
                .bind("taskId", cut(alert.taskId(), 64))
                .bind("nodeId", cut(alert.nodeId(), 64))
                .bind("details", alert.details() == null ? null : codec.toJson(alert.details()))
                .bind("raisedAt", Utc.of(alert.at() == null ? now : alert.at()))
                .bind("receivedAt", Utc.of(now))
                .bind("notified", notified)
                .executeAndReturnGeneratedKeys("alert_id").mapTo(Long.class).one();
    }

    private static Window window(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Window(rs.getString("alert_key"), rs.getString("kind"), rs.getString("subject"),
                rs.getString("severity"), rs.getLong("first_alert_id"), rs.getString("first_message"),
                Utc.instant(rs, "opened_at"), Utc.instant(rs, "closes_at"), rs.getInt("repeats"));
    }

    static String cut(String text, int max) {
        return text == null || text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
