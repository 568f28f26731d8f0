package io.purgeline.saver;

import io.micrometer.core.instrument.Counter;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.TaskCreated;
import io.purgeline.contracts.TaskExpiry;
import io.purgeline.runtime.Lease;
import io.purgeline.runtime.QueueConsumer;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies one consumer batch of saves: one transaction, then counters and events. Order within the batch does not
 * matter for creations and outcomes, because they are order-independent upserts; an expiry does matter (a result
 * published after it must find its subtask expired), so the batch is cut after expiries and applied run by run.
 * Expiries are rare, so nearly every batch is a single run.
 */
final class SaveHandler implements QueueConsumer.BatchHandler<Save> {
    private final TaskStore store;
    private final TaskFinisher finisher;
    private final Counter applied;

    SaveHandler(TaskStore store, TaskFinisher finisher, Counter applied) {
        this.store = store;
        this.finisher = finisher;
        this.applied = applied;
    }

    @Override
    public void handle(List<Save> saves) {
        List<Save> run = new ArrayList<>();
        boolean expiring = false;
        for (Save save : saves) {
            boolean expiry = save instanceof Save.Expiry;
            if (expiring && !expiry) {
                apply(run);
                run = new ArrayList<>();
                expiring = false;
            }
            run.add(save);
            expiring |= expiry;
        }
        apply(run);
        applied.increment(saves.size());
    }

    /**
     * This handler for the consumer of one partition: it refuses a batch once the partition's lease is no longer
     * this instance's, so that the batch goes back to the queue for the new owner instead of being applied beside
     * it. One Redis round trip per batch.
     */
    QueueConsumer.BatchHandler<Save> fencedBy(Lease lease, String partition) {
        return saves -> {
            if (!lease.isHeld()) {
                throw new LeaseLostException("the lease of " + partition + " was lost; its saves go back to the "
                        + "queue for the partition's new owner");
            }
            handle(saves);
        };
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
            } else {
                expiries.add(((Save.Expiry) save).expiry());
            }
        }
        finisher.finish(store.apply(created, outcomes, expiries));
    }
}
