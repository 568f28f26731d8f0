package io.purgeline.alert;

import io.purgeline.contracts.Codec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/** Reads the alert history, newest first, a page at a time (keyset paging on the id: stable while alerts arrive). */
final class AlertHistory {
    private final Jdbi jdbi;
    private final Codec codec;

    AlertHistory(Jdbi jdbi, Codec codec) {
        this.jdbi = jdbi;
        this.codec = codec;
    }

    /** One recorded alert; {@code notified} is false for a repeat counted into its window's summary. */
    record Row(long id, String source, String severity, String kind, String subject, String message, String taskId,
            String nodeId, Map<String, String> details, Instant raisedAt, Instant receivedAt, boolean notified) {}

    /** A page and the {@code before} value of the next one (null on the last page). */
    record Page(List<Row> alerts, Long next) {}

    /**
     * Up to {@code limit} alerts older than {@code before} (all when null), optionally of one kind, severity,
     * subject, or received since an instant.
     */
    Page page(int limit, Long before, String kind, String severity, String subject, Instant since) {
        StringBuilder sql = new StringBuilder("SELECT * FROM alerts WHERE 1 = 1");
        if (before != null) {
            sql.append(" AND alert_id < :before");
        }
        if (kind != null) {
            sql.append(" AND kind = :kind");
        }
        if (severity != null) {
            sql.append(" AND severity = :severity");
        }
        if (subject != null) {
            sql.append(" AND subject = :subject");
        }
        if (since != null) {
            sql.append(" AND received_at >= :since");
        }
        sql.append(" ORDER BY alert_id DESC LIMIT :limit");
        List<Row> rows = jdbi.withHandle(h -> {
            Query q = h.createQuery(sql.toString()).bind("limit", limit + 1);
            if (before != null) {
                q.bind("before", before);
            }
            if (kind != null) {
                q.bind("kind", kind);
            }
            if (severity != null) {
                q.bind("severity", severity);
            }
            if (subject != null) {
                q.bind("subject", subject);
            }
            if (since != null) {
                q.bind("since", Utc.of(since));
            }
            return q.map((rs, ctx) -> new Row(rs.getLong("alert_id"), rs.getString("source"),
                    rs.getString("severity"), rs.getString("kind"), rs.getString("subject"), rs.getString("message"),
                    rs.getString("task_id"), rs.getString("node_id"), details(rs.getString("details")),
                    Utc.instant(rs, "raised_at"), Utc.instant(rs, "received_at"), rs.getBoolean("notified")))
                    .list();
        });
        if (rows.size() > limit) {
            List<Row> page = rows.subList(0, limit);
            return new Page(List.copyOf(page), page.get(limit - 1).id());
        }
        return new Page(rows, null);
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> details(String json) {
        return json == null ? null : codec.fromJson(json, Map.class);
    }
}
