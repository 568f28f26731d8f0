package io.purgeline.ingest;

import io.purgeline.contracts.TaskPage;
import io.purgeline.contracts.TaskStatus;
import io.purgeline.ingest.TaskRowMappers.TaskMapper;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;

/**
 * Recent tasks as the saver recorded them, newest first, filtered by customer, state and age, in pages. A page ends
 * with a cursor (accepted time and task id of its last task) rather than an offset, so tasks accepted while someone
 * pages through do not shift the pages.
 */
public final class TaskListing {
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_LIMIT = 200;
    static final Set<String> STATES = Set.of("accepted", "running", "completed", "failed", "expired");

    private final Jdbi jdbi;

    public TaskListing(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** What a listing asks for; every field but {@code limit} may be null (no restriction). */
    public record Filter(String apiId, String state, Instant since, String before, int limit) {
        public Filter {
            if (state != null && !STATES.contains(state)) {
                throw new InvalidInputException("state must be one of " + String.join(", ", STATES.stream()
                        .sorted().toList()) + ", got " + Identifiers.quote(state));
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new InvalidInputException("limit must be 1 to " + MAX_LIMIT + ", got " + limit);
            }
            if (before != null) {
                cursor(before);
            }
        }

        /** Parses the listing's query parameters. */
        public static Filter parse(String apiId, String state, String since, String before, String limit) {
            return new Filter(apiId, state, since == null ? null : instant(since), before,
                    limit == null ? DEFAULT_LIMIT : number(limit));
        }
    }

    public TaskPage list(Filter f) {
        StringBuilder sql = new StringBuilder("""
                SELECT task_id, api_id, type, targets, state, total, done, failed, expired,
                       accepted_at, deadline_at, finished_at
                FROM tasks WHERE TRUE""");
        if (f.apiId() != null) {
            sql.append(" AND api_id = :apiId");
        }
        if (f.state() != null) {
            sql.append(" AND state = :state");
        }
        if (f.since() != null) {
            sql.append(" AND accepted_at >= :since");
        }
        Cursor after = f.before() == null ? null : cursor(f.before());
        if (after != null) {
            sql.append(" AND (accepted_at < :at OR (accepted_at = :at AND task_id < :id))");
        }
        sql.append(" ORDER BY accepted_at DESC, task_id DESC LIMIT :limit");
        List<TaskStatus> rows = jdbi.withHandle(h -> {
            Query q = h.createQuery(sql.toString()).bind("limit", f.limit() + 1);
            if (f.apiId() != null) {
                q.bind("apiId", f.apiId());
            }
            if (f.state() != null) {
                q.bind("state", f.state());
            }
            if (f.since() != null) {
                q.bind("since", LocalDateTime.ofInstant(f.since(), ZoneOffset.UTC));
            }
            if (after != null) {
                q.bind("at", LocalDateTime.ofInstant(after.acceptedAt(), ZoneOffset.UTC)).bind("id", after.taskId());
            }
            return q.map(new TaskMapper()).list();
        });
        List<TaskStatus> page = new ArrayList<>();
        for (TaskStatus t : rows.subList(0, Math.min(rows.size(), f.limit()))) {
            page.add(new TaskStatus(t.taskId(), t.apiId(), t.type(), t.state(), t.total(), t.done(), t.failed(),
                    t.expired(), t.targets(), t.acceptedAt(), t.deadlineAt(), t.finishedAt(), null, null));
        }
        String next = rows.size() > f.limit() ? cursorOf(page.get(page.size() - 1)) : null;
        return new TaskPage(page, next);
    }

    private record Cursor(Instant acceptedAt, String taskId) {}

    private static String cursorOf(TaskStatus last) {
        return last.acceptedAt().toEpochMilli() + "." + last.taskId();
    }

    private static Cursor cursor(String text) {
        int dot = text.indexOf('.');
        try {
            return new Cursor(Instant.ofEpochMilli(Long.parseLong(text.substring(0, dot))), text.substring(dot + 1));
        } catch (RuntimeException e) {
            throw new InvalidInputException("before must be the 'next' cursor of a previous page, got "
                    + Identifiers.quote(text));
        }
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidInputException("since must be an RFC 3339 time such as 2026-11-30T12:00:00Z, got "
                    + Identifiers.quote(text));
        }
    }

    private static int number(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new InvalidInputException("limit must be a whole number from 1 to " + MAX_LIMIT + ", got "
                    + Identifiers.quote(text));
        }
    }
}
