package io.purgeline.alert;

import io.purgeline.contracts.Codec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * The notifications each sink still has to send, in MariaDB. A sender claims a few due rows for a while (so that two
 * alert-workers do not send the same row at once; a claim that runs out is taken again: at least once), then marks
 * each sent, retries it later, or gives up on it.
 */
final class Outbox {
    private final Jdbi jdbi;
    private final Codec codec;

    Outbox(Jdbi jdbi, Codec codec) {
        this.jdbi = jdbi;
        this.codec = codec;
    }

    record Entry(long id, int attempts, Notification notification) {}

    /** Claims up to {@code max} due rows of the sink for {@code owner} until {@code until}, oldest first. */
    List<Entry> claim(String sink, String owner, int max, Instant now, Instant claimUntil) {
        // The column keeps milliseconds: the claim is found again by the value as stored.
        Instant until = claimUntil.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        return jdbi.inTransaction(h -> {
            h.createUpdate("""
                    UPDATE alert_outbox SET claimed_by = :owner, claimed_until = :until
                    WHERE sink = :sink AND state = 'pending' AND next_attempt_at <= :now
                      AND (claimed_until IS NULL OR claimed_until < :now)
                    ORDER BY outbox_id LIMIT :max""")
                    .bind("owner", owner).bind("until", Utc.of(until)).bind("sink", sink).bind("now", Utc.of(now))
                    .bind("max", max).execute();
            return h.createQuery("""
                    SELECT outbox_id, attempts, notification FROM alert_outbox
                    WHERE sink = :sink AND state = 'pending' AND claimed_by = :owner AND claimed_until = :until
                    ORDER BY outbox_id""")
                    .bind("owner", owner).bind("until", Utc.of(until)).bind("sink", sink)
                    .map((rs, ctx) -> new Entry(rs.getLong("outbox_id"), rs.getInt("attempts"),
                            codec.fromJson(rs.getString("notification"), Notification.class)))
                    .list();
        });
    }

    void sent(long id, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("""
                UPDATE alert_outbox SET state = 'sent', attempts = attempts + 1, sent_at = :now, claimed_by = NULL,
                    claimed_until = NULL WHERE outbox_id = :id""").bind("id", id).bind("now", Utc.of(now)).execute());
    }

    /** Records a failed attempt: the row is due again after {@code retryIn}, or given up on when that is null. */
    void failed(long id, String error, Duration retryIn, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("""
                UPDATE alert_outbox SET state = :state, attempts = attempts + 1, last_error = :error,
                    next_attempt_at = :next, claimed_by = NULL, claimed_until = NULL WHERE outbox_id = :id""")
                .bind("id", id).bind("state", retryIn == null ? "failed" : "pending")
                .bind("error", AlertRecorder.cut(error, 1024))
                .bind("next", Utc.of(retryIn == null ? now : now.plus(retryIn))).execute());
    }

    /** Rows per state for one sink: pending, sent, failed. */
    java.util.Map<String, Long> counts(String sink) {
        java.util.Map<String, Long> out = new java.util.LinkedHashMap<>();
        out.put("pending", 0L);
        out.put("sent", 0L);
        out.put("failed", 0L);
        jdbi.useHandle(h -> h.createQuery("SELECT state, COUNT(*) n FROM alert_outbox WHERE sink = :sink GROUP BY state")
                .bind("sink", sink).map((rs, ctx) -> java.util.Map.entry(rs.getString("state"), rs.getLong("n")))
                .forEach(e -> out.put(e.getKey(), e.getValue())));
        return out;
    }
}
