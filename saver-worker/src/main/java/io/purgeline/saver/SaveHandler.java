package io.purgeline.saver;

import io.micrometer.core.instrument.Counter;
import io.purgeline.contracts.SubtaskOutcome;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.SubtaskState;
import io.purgeline.contracts.TaskCreated;
import io.purgeline.contracts.TaskExpiry;
import io.purgeline.runtime.Failures;
import io.purgeline.runtime.Lease;
import io.purgeline.runtime.QueueConsumer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one consumer batch of saves: one transaction, then counters and events. Order within the batch does not
 * matter for creations and outcomes, because they are order-independent upserts; an expiry does matter (a result
 * published after it must find its subtask expired), so the batch is cut after expiries and applied run by run.
 * Expiries are rare, so nearly every batch is a single run.
 */
final class SaveHandler implements QueueConsumer.SortingBatchHandler<Save> {
    private static final Logger log = LoggerFactory.getLogger(SaveHandler.class);

    private final TaskStore store;
    private final TaskFinisher finisher;
    private final Counter applied;

    SaveHandler(TaskStore store, TaskFinisher finisher, Counter applied) {
        this.store = store;
        this.finisher = finisher;
        this.applied = applied;
    }

    /** Applies the batch; names the {@code save.batch} messages that had parts left out, to be parked now. */
    @Override
    public Map<Integer, String> handle(List<Save> saves) {
        List<Save> run = new ArrayList<>();
        Map<Integer, String> rejected = new HashMap<>();
        boolean expiring = false;
        int parts = 0;
        for (int i = 0; i < saves.size(); i++) {
            Save save = saves.get(i);
            boolean expiry = save instanceof Save.Expiry;
            if (expiring && !expiry) {
                apply(run);
                run = new ArrayList<>();
                expiring = false;
            }
            if (save instanceof Save.Batch b) {
                run.addAll(b.parts());
                parts += b.parts().size();
                if (b.rejected() != null) {
                    rejected.put(i, b.rejected());
                }
            } else {
                run.add(save);
                parts++;
            }
            expiring |= expiry;
        }
        apply(run);
        applied.increment(parts);
        return rejected;
    }

    /**
     * This handler for the consumer of one partition: it refuses a batch once the partition's lease is no longer
     * this instance's, so that the batch goes back to the queue for the new owner instead of being applied beside
     * it. One Redis round trip per batch.
     */
    QueueConsumer.SortingBatchHandler<Save> fencedBy(Lease lease, String partition) {
        return saves -> {
            if (!lease.isHeld()) {
                throw new LeaseLostException("the lease of " + partition + " was lost; its saves go back to the "
                        + "queue for the partition's new owner");
            }
            return handle(saves);
        };
    }

    /**
     * Ends what waits on a save that could not be stored, before it is parked in {@code saves.dead}: a creation is
     * recorded without its targets and options (what MariaDB refused, in practice) and with every node failed for
     * the reason, so the task ends {@code failed} with exact counts and its event names the reason; outcomes are
     * recorded as failures for the same reason. Results that arrived for the task keep their end (the first wins).
     * An expiry needs nothing: the task ends at its deadline all the same. A batch's parts are applied one by one,
     * and only a part that fails alone is given up on, so the other tasks of the batch keep their record.
     */
    void giveUp(Save save, String reason) throws Exception {
        if (save instanceof Save.Batch b) {
            for (Save part : b.parts()) {
                try {
                    handle(List.of(part));
                } catch (Exception e) {
                    if (Failures.isTransient(e)) {
                        throw e;
                    }
                    giveUpPart(part, reason);
                }
            }
        } else if (save instanceof Save.Created c) {
            TaskCreated t = c.task();
            String why = "the task could not be stored (" + reason + ")";
            TaskCreated bare = new TaskCreated(t.taskId(), t.apiId(), t.type(), List.of(), null, t.priority(),
                    t.lane(), t.acceptedAt(), t.deadlineAt(), t.subtasks());
            List<SubtaskOutcome> failed = t.subtasks().stream().map(s -> new SubtaskOutcome(s.subtaskId(),
                    s.nodeId(), SubtaskState.FAILED, 0, null, why, null, null, null)).toList();
            finisher.finish(store.apply(List.of(bare),
                    failed.isEmpty() ? List.of() : List.of(new SubtaskOutcomes(t.taskId(), failed)), List.of()));
        } else if (save instanceof Save.Outcomes o) {
            String why = "the result could not be stored (" + reason + ")";
            List<SubtaskOutcome> failed = o.outcomes().outcomes().stream().map(s -> new SubtaskOutcome(
                    s.subtaskId(), s.nodeId(), SubtaskState.FAILED, s.attempts(), s.httpCode(), why, null,
                    s.startedAt(), s.finishedAt())).toList();
            finisher.finish(store.apply(List.of(), List.of(new SubtaskOutcomes(o.outcomes().taskId(), failed)),
                    List.of()));
        }
    }

    /**
     * Gives up on one part of a batch; if even that cannot be recorded (the fallback record keeps the outcome's times
     * and code, which may be what MariaDB refused), it is logged and the next parts still go, so one bad part never
     * keeps the other tasks of its batch from their record. The parked message keeps every part.
     */
    private void giveUpPart(Save part, String reason) throws Exception {
        try {
            giveUp(part, reason);
        } catch (Exception e) {
            if (Failures.isTransient(e)) {
                throw e;
            }
            log.error("could not record the end of a save given up on ({}); it stays in saves.dead", reason, e);
        }
    }

    private void apply(List<Save> run) {
        List<TaskCreated> created = new ArrayList<>();
        List<SubtaskOutcomes> outcomes = new ArrayList<>();
        List<TaskExpiry> expiries = new ArrayList<>();
        for (Save save : run) {
            if (save instanceof Save.Created c) {
                created.add(c.task());
            } else if (save instanceof Save.Outcomes o) {
                outcomes.add(o.outcomes());
            } else if (save instanceof Save.Expiry e) {
                expiries.add(e.expiry());
            }
        }
        finisher.finish(store.apply(created, outcomes, expiries));
    }
}
