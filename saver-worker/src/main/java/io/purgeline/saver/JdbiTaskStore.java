package io.purgeline.saver;

import io.purgeline.contracts.Ids;
import io.purgeline.contracts.Codec;
import io.purgeline.contracts.FailedNode;
import io.purgeline.contracts.SubtaskOutcome;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.SubtaskRef;
import io.purgeline.contracts.SubtaskState;
import io.purgeline.contracts.TaskCreated;
import io.purgeline.contracts.TaskExpiry;
import io.purgeline.runtime.Utc;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * {@link TaskStore} on MariaDB through JDBI. A batch is one transaction: the touched tasks locked, multi-row upserts
 * (rows sorted by key, so that concurrent savers lock in the same order), then exact counters: a task's counters move
 * only by the subtasks whose rows this transaction moved to a final state, so applying anything twice cannot count it
 * twice.
 */
final class JdbiTaskStore implements TaskStore {
    /** Fits {@code subtasks.last_error VARCHAR(1024)}. */
    static final int MAX_ERROR = 1024;
    /** Rough size of a row's fixed columns in a statement, for {@link Chunks}. */
    private static final int ROW_OVERHEAD = 256;

    /** The final subtask states, in the order of a task's counters (done, failed, expired). */
    private static final List<String> FINAL = List.of(SubtaskState.DONE.wire(), SubtaskState.FAILED.wire(),
            SubtaskState.EXPIRED.wire());

    private final Jdbi jdbi;
    private final Codec codec;
    private final Clock clock;
    private final ExpiryReasons expiryReasons;

    JdbiTaskStore(Jdbi jdbi, Codec codec, Clock clock, ExpiryReasons expiryReasons) {
        this.jdbi = jdbi;
        this.codec = codec;
        this.clock = clock;
        this.expiryReasons = expiryReasons;
    }

    @Override
    public List<TaskRow> apply(List<TaskCreated> created, List<SubtaskOutcomes> outcomes,
            List<TaskExpiry> expiries) {
        // DATETIME(3) keeps milliseconds; truncating here makes what we publish equal what a re-read returns.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        LocalDateTime at = Utc.of(now);
        List<TaskSql.NewTask> tasks = new ArrayList<>();
        List<TaskSql.PlannedSubtask> planned = new ArrayList<>();
        List<TaskSql.Outcome> ended = new ArrayList<>();
        SortedSet<String> touched = new TreeSet<>();
        for (TaskCreated t : created) {
            touched.add(t.taskId());
            tasks.add(newTask(t));
            for (SubtaskRef s : t.subtasks()) {
                planned.add(new TaskSql.PlannedSubtask(s.subtaskId(), t.taskId(), s.nodeId(), s.tier(), at));
            }
        }
        for (SubtaskOutcomes o : outcomes) {
            touched.add(o.taskId());
            for (SubtaskOutcome s : o.outcomes()) {
                ended.add(outcome(o.taskId(), s, at));
            }
        }
        Map<String, Instant> expiring = new LinkedHashMap<>();
        for (TaskExpiry e : expiries) {
            touched.add(e.taskId());
            expiring.putIfAbsent(e.taskId(), e.expiredAt());
        }
        // Stable sorts: two outcomes of one subtask in a batch keep their arrival order, and the first one wins.
        tasks.sort(Comparator.comparing(TaskSql.NewTask::taskId));
        planned.sort(Comparator.comparing(TaskSql.PlannedSubtask::subtaskId));
        ended.sort(Comparator.comparing(TaskSql.Outcome::subtaskId));
        // READ COMMITTED (every pooled connection's level): a recount must see subtask rows another saver committed
        // while we waited for its lock.
        return inTransaction(h -> {
            TaskSql sql = new TaskSql(h);
            Chunks.of(tasks, t -> ROW_OVERHEAD + t.targets().length() + length(t.options()))
                    .forEach(sql::insertTasks);
            // Every writer locks a task before any of its subtask rows, so two savers (briefly, after a partition
            // moved) take turns on a task, and the states read below do not change before the upsert.
            List<TaskRow> locked = touched.isEmpty() ? List.of() : sql.lockTasks(Chunks.padded(touched));
            Connection c = h.getConnection();
            Chunks.of(planned, s -> ROW_OVERHEAD).forEach(chunk -> SubtaskRows.insertPlanned(c, chunk));
            Map<String, String> before = states(sql, ended);
            Chunks.of(ended, o -> ROW_OVERHEAD + length(o.items()) + length(o.lastError()))
                    .forEach(chunk -> SubtaskRows.upsertOutcomes(c, chunk));
            if (!expiring.isEmpty()) {
                Chunks.of(expired(sql, expiring, at), o -> ROW_OVERHEAD + length(o.lastError()))
                        .forEach(chunk -> SubtaskRows.upsertOutcomes(c, chunk));
            }
            Set<String> recounted = new HashSet<>(expiring.keySet());
            tasks.forEach(t -> recounted.add(t.taskId()));
            return count(sql, locked, recounted, ended, before, now);
        });
    }

    /**
     * Runs {@code work} in a transaction begun by one statement. JDBI's own demarcation switches autocommit off before
     * and on again after, a round trip each: with the isolation level set and restored around it, four of the nine
     * statements that saved one node's result. The connection stays in autocommit and the transaction is explicit;
     * the driver sends COMMIT (or ROLLBACK) because the server reports it open. A rollback that fails leaves a
     * broken connection, which the pool evicts.
     */
    private <R> R inTransaction(HandleCallback<R, RuntimeException> work) {
        return jdbi.withHandle(h -> {
            h.execute("START TRANSACTION");
            R result;
            try {
                result = work.withHandle(h);
            } catch (RuntimeException | Error e) {
                rollback(h, e);
                throw e;
            }
            try {
                h.getConnection().commit();
            } catch (SQLException e) {
                IllegalStateException failed = new IllegalStateException("MariaDB did not commit the save: "
                        + e.getMessage(), e);
                rollback(h, failed);
                throw failed;
            }
            return result;
        });
    }

    private static void rollback(Handle h, Throwable failure) {
        try {
            h.getConnection().rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    /** The state of each of these subtasks' rows now, by subtask id; a subtask without a row is absent. */
    private static Map<String, String> states(TaskSql sql, List<TaskSql.Outcome> outcomes) {
        Map<String, String> states = new HashMap<>();
        List<String> ids = outcomes.stream().map(TaskSql.Outcome::subtaskId).distinct().toList();
        for (List<String> chunk : Chunks.of(ids, id -> ROW_OVERHEAD)) {
            sql.subtaskStates(Chunks.padded(chunk)).forEach(r -> states.put(r.subtaskId(), r.state()));
        }
        return states;
    }

    /**
     * Every subtask of these tasks that has not ended becomes expired, with the reason its node gave no result. Written
     * as outcomes, so a subtask that ended meanwhile (another saver, briefly, after a partition moved) keeps its end.
     */
    private List<TaskSql.Outcome> expired(TaskSql sql, Map<String, Instant> expiring, LocalDateTime at) {
        List<TaskSql.Unfinished> open = sql.unfinished(Chunks.padded(expiring.keySet()));
        Map<String, String> reasons = expiryReasons.of(
                open.stream().map(TaskSql.Unfinished::nodeId).distinct().toList());
        return open.stream().map(s -> new TaskSql.Outcome(s.subtaskId(), s.taskId(), s.nodeId(),
                        SubtaskState.EXPIRED.wire(), 0, null, truncated(reasons.get(s.nodeId())), null, null,
                        Utc.of(expiring.get(s.taskId())), at))
                .toList();
    }

    /**
     * The touched tasks' counters after this batch. A task created or expired in it is recounted from all its subtask
     * rows; any other task's counters move by the subtasks this batch ended, known from their rows' states before
     * the upsert: a subtask ends once, an outcome for one already final changes and counts nothing, and of two
     * outcomes for one subtask in a batch the first wins, as in the upsert. Recounting every touched task read all of
     * a thousand-node task's rows for each batch that brought a few of its results.
     */
    private static List<TaskRow> count(TaskSql sql, List<TaskRow> locked, Set<String> recounted,
            List<TaskSql.Outcome> ended, Map<String, String> before, Instant now) {
        List<String> recount = locked.stream().map(TaskRow::taskId).filter(recounted::contains).toList();
        Map<String, TaskSql.Counts> counts = new HashMap<>();
        if (!recount.isEmpty()) {
            sql.countSubtasks(Chunks.padded(recount)).forEach(c -> counts.put(c.taskId(), c));
        }
        Map<String, int[]> delta = new HashMap<>();
        Set<String> ending = new HashSet<>();
        for (TaskSql.Outcome o : ended) {
            String was = before.get(o.subtaskId());
            int end = FINAL.indexOf(o.state());
            if (recounted.contains(o.taskId()) || (was != null && FINAL.contains(was)) || end < 0
                    || !ending.add(o.subtaskId())) {
                continue;
            }
            delta.computeIfAbsent(o.taskId(), t -> new int[FINAL.size()])[end]++;
        }
        List<TaskRow> result = new ArrayList<>();
        List<TaskSql.TaskUpdate> updates = new ArrayList<>();
        for (TaskRow row : locked) {
            if (row.state().isFinal()) {
                result.add(row);
                continue;
            }
            TaskSql.Counts c;
            if (recounted.contains(row.taskId())) {
                c = counts.getOrDefault(row.taskId(), new TaskSql.Counts(row.taskId(), 0, 0, 0));
            } else {
                int[] d = delta.getOrDefault(row.taskId(), new int[FINAL.size()]);
                c = new TaskSql.Counts(row.taskId(), row.done() + d[0], row.failed() + d[1], row.expired() + d[2]);
            }
            TaskState next = row.state().after(row.total(), c.done(), c.failed(), c.expired());
            Instant finishedAt = next.isFinal() ? now : null;
            TaskRow counted = new TaskRow(row.taskId(), row.apiId(), row.type(), next, row.total(), c.done(),
                    c.failed(), c.expired(), row.acceptedAt(), finishedAt, row.eventSent());
            if (!counted.equals(row)) {
                updates.add(new TaskSql.TaskUpdate(row.taskId(), next.wire(), c.done(), c.failed(), c.expired(),
                        Utc.of(finishedAt)));
            }
            result.add(counted);
        }
        if (!updates.isEmpty()) {
            sql.updateTasks(updates);
        }
        return result;
    }

    @Override
    public Map<String, List<FailedNode>> failedNodes(Collection<String> taskIds) {
        if (taskIds.isEmpty()) {
            return Map.of();
        }
        List<TaskSql.Ended> rows = jdbi.withHandle(h -> new TaskSql(h).unsuccessful(Chunks.padded(taskIds)));
        Map<String, List<FailedNode>> byTask = new LinkedHashMap<>();
        for (TaskSql.Ended e : rows) {
            String reason = e.lastError() != null ? e.lastError()
                    : "expired".equals(e.state()) ? ExpiryReasons.LATE : "failed";
            byTask.computeIfAbsent(e.taskId(), t -> new ArrayList<>()).add(new FailedNode(e.nodeId(), reason));
        }
        return byTask;
    }

    @Override
    public void markEventSent(Collection<String> taskIds) {
        if (!taskIds.isEmpty()) {
            jdbi.useHandle(h -> new TaskSql(h).markEventSent(Chunks.padded(taskIds)));
        }
    }

    @Override
    public List<String> overdue(Instant now, int limit) {
        return jdbi.withHandle(h -> new TaskSql(h).overdue(Utc.of(now), limit));
    }

    private TaskSql.NewTask newTask(TaskCreated t) {
        return new TaskSql.NewTask(t.taskId(), t.apiId(), t.type().wire(), codec.toJson(t.targets()),
                t.options() == null ? null : codec.toJson(t.options()), t.priority(), t.lane().wire(),
                t.subtasks().size(), Utc.of(t.acceptedAt()), Utc.of(t.deadlineAt()));
    }

    private TaskSql.Outcome outcome(String taskId, SubtaskOutcome s, LocalDateTime at) {
        String error = truncated(s.error());
        return new TaskSql.Outcome(s.subtaskId(), taskId, s.nodeId(), s.state().wire(),
                // At least one attempt was made if a subtask has an outcome; 0 means the reporter did not count.
                Math.max(s.attempts(), 1), s.httpCode(), error,
                s.items() == null ? null : s.items().json(), Utc.of(s.startedAt()), Utc.of(s.finishedAt()),
                at);
    }

    private static String truncated(String error) {
        if (error == null || error.length() <= MAX_ERROR) {
            return error;
        }
        int end = Character.isHighSurrogate(error.charAt(MAX_ERROR - 1)) ? MAX_ERROR - 1 : MAX_ERROR;
        return error.substring(0, end);
    }

    private static int length(String s) {
        return s == null ? 0 : s.length();
    }
}
