package io.purgeline.saver;

import io.micrometer.core.instrument.Counter;
import io.purgeline.contracts.SubtaskOutcomes;
import io.purgeline.contracts.TaskCreated;
import io.purgeline.runtime.QueueConsumer;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies one consumer batch of saves: one transaction, then counters and events. Order within the batch does not
 * matter, because every write is an order-independent upsert.
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
        List<TaskCreated> created = new ArrayList<>();
        List<SubtaskOutcomes> outcomes = new ArrayList<>();
        for (Save save : saves) {
            if (save instanceof Save.Created c) {
                created.add(c.task());
            } else {
                outcomes.add(((Save.Outcomes) save).outcomes());
            }
        }
        finisher.finish(store.apply(created, outcomes));
        applied.increment(saves.size());
    }
}
